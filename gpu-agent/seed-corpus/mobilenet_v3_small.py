import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# MobileNet v3 (Howard et al., 2019): inverted residuals with squeeze-excitation and hard-swish.
class SqueezeExcite(nn.Module):
    def __init__(self, channels, reduction=4):
        super().__init__()
        self.gate = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Conv2d(channels, channels // reduction, 1), nn.ReLU(inplace=True),
            nn.Conv2d(channels // reduction, channels, 1), nn.Hardsigmoid(),
        )

    def forward(self, x):
        return x * self.gate(x)


class Bneck(nn.Module):
    def __init__(self, c_in, hidden, c_out, kernel, stride, use_se, activation):
        super().__init__()
        self.use_residual = stride == 1 and c_in == c_out
        self.body = nn.Sequential(
            nn.Conv2d(c_in, hidden, 1, bias=False), nn.BatchNorm2d(hidden), activation(),
            nn.Conv2d(hidden, hidden, kernel, stride=stride, padding=kernel // 2, groups=hidden, bias=False),
            nn.BatchNorm2d(hidden), activation(),
            SqueezeExcite(hidden) if use_se else nn.Identity(),
            nn.Conv2d(hidden, c_out, 1, bias=False), nn.BatchNorm2d(c_out),
        )

    def forward(self, x):
        out = self.body(x)
        return x + out if self.use_residual else out


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        self.features = nn.Sequential(
            nn.Conv2d(in_shape[1], 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.Hardswish(),
            Bneck(16, 16, 16, 3, 2, True, nn.ReLU),
            Bneck(16, 72, 24, 3, 1, False, nn.ReLU),
            Bneck(24, 88, 24, 3, 1, False, nn.ReLU),
            Bneck(24, 96, 40, 5, 2, True, nn.Hardswish),
            Bneck(40, 240, 40, 5, 1, True, nn.Hardswish),
            Bneck(40, 120, 48, 5, 1, True, nn.Hardswish),
            Bneck(48, 144, 96, 5, 2, True, nn.Hardswish),
            nn.Conv2d(96, 288, 1, bias=False), nn.BatchNorm2d(288), nn.Hardswish(),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Linear(288, 256), nn.Hardswish(), nn.Dropout(0.2), nn.Linear(256, out_shape[0]))

    def forward(self, x):
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))

    def train_setup(self, prm):
        self.to(self.device)
        self.criteria = (nn.CrossEntropyLoss().to(self.device),)
        self.optimizer = torch.optim.SGD(self.parameters(), lr=prm['lr'], momentum=prm['momentum'])

    def learn(self, train_data):
        self.train()
        for inputs, labels in train_data:
            inputs, labels = inputs.to(self.device), labels.to(self.device)
            self.optimizer.zero_grad()
            outputs = self(inputs)
            loss = self.criteria[0](outputs, labels)
            loss.backward()
            nn.utils.clip_grad_norm_(self.parameters(), 3)
            self.optimizer.step()
