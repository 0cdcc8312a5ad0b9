func.func @main() {
  %x = arith.constant dense<[[[[0.5, -1.0, 2.0, 0.1], [0.3, 0.2, -0.4, 1.0], [0.0, 0.7, 0.9, -0.3], [1.1, -0.6, 0.2, 0.4]], [[0.2, 0.4, -0.1, 0.3], [-0.5, 0.6, 0.1, 0.0], [0.8, -0.2, 0.3, 0.5], [0.1, 0.9, -0.7, 0.2]]]]> : tensor<1x2x4x4xf32>
  %y = call @cnn(%x) : (tensor<1x2x4x4xf32>) -> tensor<1x3x2x2xf32>
  %u = tensor.cast %y : tensor<1x3x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }
