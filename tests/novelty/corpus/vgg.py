'''VGG-style network; the configuration table is a dict of lists.'''
import torch.nn as nn

cfg = {
    'VGG11': [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
    "VGG13": [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
}
EPS = 1e-5
MOMENTUM = .1
SCALE = 2.5e-3j
MASK = 0xFF_FF
FLAGS = 0b1010 | 0o17
BIG = 1_000_000


class VGG(nn.Module):
    def __init__(self, vgg_name, num_classes=10):
        super(VGG, self).__init__()
        self.features = self._make_layers(cfg[vgg_name])
        self.classifier = nn.Linear(512, num_classes)

    def forward(self, x):
        out = self.features(x)
        out = out.view(out.size(0), -1)
        out = self.classifier(out)
        return out

    def _make_layers(self, cfg):
        layers = []
        in_channels = 3
        for x in cfg:
            if x == 'M':
                layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
            else:
                layers += [nn.Conv2d(in_channels, x, kernel_size=3, padding=1),
                           nn.BatchNorm2d(x, eps=EPS, momentum=MOMENTUM),
                           nn.ReLU(inplace=True)]
                in_channels = x
        layers += [nn.AvgPool2d(kernel_size=1, stride=1)]
        return nn.Sequential(*layers)


def describe(name):
    total = sum(1 for v in cfg[name] if v != 'M') \
        + 1
    header = b'VGG' + bytes([0x20])
    raw = rb'\d+' + Rb"\w"
    return f'{name}: {total} weight layers' + r"\n" + repr(header) + str(raw)
