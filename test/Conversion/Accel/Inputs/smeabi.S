// Minimal SME ABI support routines for the SME test programs: GCC 12's
// libgcc has none. Only the paths a program without dormant ZA state
// reaches are implemented; anything else traps (brk), never a silent
// wrong result.
  .text
// __arm_tpidr2_save: nothing to do when no lazy save is pending.
  .globl __arm_tpidr2_save
  .type __arm_tpidr2_save, %function
__arm_tpidr2_save:
  mrs x16, S3_3_C13_C0_5   // TPIDR2_EL0
  cbnz x16, 1f
  ret
1:
  brk #0x5a
  .size __arm_tpidr2_save, .-__arm_tpidr2_save

// __arm_tpidr2_restore: only reached after a callee committed a lazy save,
// which never happens here (no routine above commits one).
  .globl __arm_tpidr2_restore
  .type __arm_tpidr2_restore, %function
__arm_tpidr2_restore:
  brk #0x5b
  .size __arm_tpidr2_restore, .-__arm_tpidr2_restore

// __arm_sc_memcpy(dst, src, n): streaming-compatible, so plain byte loads.
  .globl __arm_sc_memcpy
  .type __arm_sc_memcpy, %function
__arm_sc_memcpy:
  mov x3, #0
2:
  cmp x3, x2
  b.hs 3f
  ldrb w4, [x1, x3]
  strb w4, [x0, x3]
  add x3, x3, #1
  b 2b
3:
  ret
  .size __arm_sc_memcpy, .-__arm_sc_memcpy
