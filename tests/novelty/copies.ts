/** A model, a renamed copy (declared names changed) and a reformatted copy (layout, comments, docstrings). */
export const ORIGINAL = `import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn(in_ch, out_ch, stride=1):
    """3x3 conv + BN + ReLU."""
    return nn.Sequential(nn.Conv2d(in_ch, out_ch, 3, stride, 1, bias=False), nn.BatchNorm2d(out_ch), nn.ReLU())


class SmallNet(nn.Module):
    def __init__(self, num_classes=10, width=32):
        super().__init__()
        self.stem = conv_bn(3, width)
        self.block1 = conv_bn(width, width * 2, stride=2)
        self.block2 = conv_bn(width * 2, width * 4, stride=2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(width * 4, num_classes)

    def forward(self, x):
        h = self.stem(x)
        h = self.block2(self.block1(h))
        h = torch.flatten(self.pool(h), 1)
        return self.fc(F.dropout(h, p=0.1, training=self.training))
`;

export const RENAMED = `import torch
import torch.nn as nn
import torch.nn.functional as F


def make_unit(c_in, c_out, stride=1):
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU())


class TinyClassifier(nn.Module):
    def __init__(self, n_out=10, base=32):
        super().__init__()
        self.stem = make_unit(3, base)
        self.block1 = make_unit(base, base * 2, stride=2)
        self.block2 = make_unit(base * 2, base * 4, stride=2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(base * 4, n_out)

    def forward(self, inp):
        feat = self.stem(inp)
        feat = self.block2(self.block1(feat))
        feat = torch.flatten(self.pool(feat), 1)
        return self.fc(F.dropout(feat, p=0.1, training=self.training))
`;

export const REFORMATTED = `# reformatted by a different tool
import torch
import torch.nn as nn
import torch.nn.functional as F
def conv_bn(in_ch, out_ch, stride=1):
  return nn.Sequential(
      nn.Conv2d(in_ch, out_ch, 3, stride, 1, bias=False),
      nn.BatchNorm2d(out_ch),
      nn.ReLU())
class SmallNet(nn.Module):
  """A small net."""
  def __init__(self, num_classes=10, width=32):
    super().__init__()
    self.stem = conv_bn(3, width)  # stem
    self.block1 = conv_bn(width, width * 2, stride=2)
    self.block2 = conv_bn(width * 2, width * 4, stride=2)
    self.pool = nn.AdaptiveAvgPool2d(1)
    self.fc = nn.Linear(width * 4,
                        num_classes)
  def forward(self, x):
    h = self.stem(x)
    h = self.block2(self.block1(h))
    h = torch.flatten(self.pool(h), 1)
    return self.fc(F.dropout(h, p=0.1, training=self.training))
`;
