func.func @main() {
  %x = arith.constant dense<[[0.5, -1.0, 2.0]]> : tensor<1x3xf32>
  %y = call @mlp(%x) : (tensor<1x3xf32>) -> tensor<1x2xf32>
  %u = tensor.cast %y : tensor<1x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }
