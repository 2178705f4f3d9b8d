import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# MobileNet v2 (Sandler et al., 2018): inverted residuals with linear bottlenecks and ReLU6.
class InvertedResidual(nn.Module):
    def __init__(self, c_in, c_out, stride, expand):
        super().__init__()
        hidden = c_in * expand
        self.use_residual = stride == 1 and c_in == c_out
        self.body = nn.Sequential(
            nn.Conv2d(c_in, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6(inplace=True),
            nn.Conv2d(hidden, hidden, 3, stride=stride, padding=1, groups=hidden, bias=False),
            nn.BatchNorm2d(hidden), nn.ReLU6(inplace=True),
            nn.Conv2d(hidden, c_out, 1, bias=False), nn.BatchNorm2d(c_out),
        )

    def forward(self, x):
        out = self.body(x)
        return x + out if self.use_residual else out


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        # (expand, out channels, repeats, first stride)
        plan = [(1, 16, 1, 1), (6, 24, 2, 1), (6, 32, 3, 2), (6, 64, 2, 2), (6, 96, 2, 1)]
        layers = [nn.Conv2d(in_shape[1], 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU6(inplace=True)]
        channels = 32
        for expand, c_out, repeats, stride in plan:
            for i in range(repeats):
                layers.append(InvertedResidual(channels, c_out, stride if i == 0 else 1, expand))
                channels = c_out
        layers += [nn.Conv2d(channels, 256, 1, bias=False), nn.BatchNorm2d(256), nn.ReLU6(inplace=True)]
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(256, out_shape[0]))

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
