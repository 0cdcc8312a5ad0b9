# REQUIRES: torch, prune-translate
# RUN: %python %s --prune-translate=prune-translate --prune-opt=prune-opt \
# RUN:   --mlir-opt=mlir-opt --mlir-runner=mlir-runner \
# RUN:   --shared-libs=%mlir_c_runner_utils,%mlir_runner_utils --workdir=%t.d \
# RUN:   | FileCheck %s
#
# Small CNNs and an MLP exported by torch.onnx.export, imported with
# prune-translate, JIT-run with mlir-runner and compared with PyTorch's own
# output on the same input (the reference is independent of the importer).
# CHECK: cnn: {{.*}}OK
# CHECK: mlp: {{.*}}OK
# CHECK: ocr-like: {{.*}}OK
# CHECK: deconv: {{.*}}OK
# CHECK: resize: {{.*}}OK

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "Target", "ONNX", "Inputs"))
sys.dont_write_bytecode = True
import onnxtest  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.c3 = nn.Conv2d(8, 16, 3, stride=2, padding=1, groups=2)
        self.c4 = nn.Conv2d(16, 16, 3, padding=2, dilation=2, bias=False)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        y = torch.relu(self.bn(self.c1(x)))
        y = y + F.hardswish(self.c2(y))
        y = F.max_pool2d(y, 2)
        y = torch.sigmoid(self.c3(y))
        y = F.hardsigmoid(self.c4(y)) * torch.tanh(y)
        y = F.avg_pool2d(y, 2)
        y = F.adaptive_avg_pool2d(y, 1).flatten(1)
        return torch.softmax(self.fc(y), -1)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(12, 32)
        self.l2 = nn.Linear(32, 32)
        self.l3 = nn.Linear(32, 5)

    def forward(self, x):
        y = F.gelu(self.l1(x))
        y = torch.clamp(self.l2(y), -0.5, 0.5) - y / 3.0
        return self.l3(y)


class OCRLike(nn.Module):
    """A CNN neck with BatchNorm that the torch exporter keeps (training
    mode export off, BN not fused because of the transposed conv), nearest
    upsampling and concatenation, as in PaddleOCR's detector."""
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.c2 = nn.Conv2d(8, 8, 1)
        self.up = nn.ConvTranspose2d(16, 4, 2, stride=2)
        self.bn = nn.BatchNorm2d(4)

    def forward(self, x):
        a = F.relu(self.c1(x))
        b = F.interpolate(self.c2(a), scale_factor=2.0, mode="nearest")
        b = F.max_pool2d(b, 2)
        y = torch.cat([a, b], 1)
        y = self.bn(self.up(y))
        return torch.sigmoid(y)


class Deconv(nn.Module):
    """Grouped and depthwise transposed convolutions (strides, pads,
    output_padding, dilation)."""
    def __init__(self):
        super().__init__()
        self.up1 = nn.ConvTranspose2d(8, 6, 3, stride=2, padding=1, output_padding=1, groups=2)
        self.up2 = nn.ConvTranspose2d(6, 6, 2, stride=1, dilation=2, groups=6)

    def forward(self, x):
        return self.up2(torch.relu(self.up1(x)))


class Resize(nn.Module):
    """Bilinear up- and downsampling (half_pixel, align_corners, to a size)
    and nearest downsampling: Resize beyond integer nearest upsampling."""
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):
        y = F.interpolate(self.c(x), scale_factor=2.0, mode="bilinear", align_corners=False)
        y = F.interpolate(y, size=(7, 9), mode="bilinear", align_corners=True)
        return F.interpolate(torch.relu(y), scale_factor=0.5, mode="nearest")


def check_model(args, name, model, shape):
    path, x, ref = onnxtest.export_torch(args, name, model, shape)
    text = onnxtest.import_onnx(args, path)
    onnxtest.check("dense_resource<" in text, "weights are not dense_resource")
    got = onnxtest.jit(args, text, [x.numpy()])[0]
    err = onnxtest.compare(got, ref, rtol=1e-4, atol=1e-5)
    print("%s: max abs err %.3g; OK" % (name, err))


def main():
    args = onnxtest.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    check_model(args, "cnn", CNN(), (1, 3, 16, 16))
    check_model(args, "mlp", MLP(), (4, 12))
    check_model(args, "ocr-like", OCRLike(), (1, 3, 16, 16))
    check_model(args, "deconv", Deconv(), (1, 8, 5, 7))
    check_model(args, "resize", Resize(), (1, 3, 5, 6))


if __name__ == "__main__":
    onnxtest.prunetest.main_guard(main)
