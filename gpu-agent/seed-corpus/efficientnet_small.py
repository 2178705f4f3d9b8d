import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# EfficientNet-B0 style (Tan & Le, 2019): MBConv blocks (inverted residual + squeeze-excitation + SiLU),
# scaled down in width and depth.
class MBConv(nn.Module):
    def __init__(self, c_in, c_out, expand, kernel, stride):
        super().__init__()
        hidden = c_in * expand
        squeezed = max(4, c_in // 4)
        self.use_residual = stride == 1 and c_in == c_out
        self.expand = nn.Identity() if expand == 1 else nn.Sequential(nn.Conv2d(c_in, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.SiLU())
        self.depthwise = nn.Sequential(
            nn.Conv2d(hidden, hidden, kernel, stride=stride, padding=kernel // 2, groups=hidden, bias=False),
            nn.BatchNorm2d(hidden), nn.SiLU(),
        )
        self.se = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(hidden, squeezed, 1), nn.SiLU(), nn.Conv2d(squeezed, hidden, 1), nn.Sigmoid())
        self.project = nn.Sequential(nn.Conv2d(hidden, c_out, 1, bias=False), nn.BatchNorm2d(c_out))

    def forward(self, x):
        out = self.depthwise(self.expand(x))
        out = self.project(out * self.se(out))
        return x + out if self.use_residual else out


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        # (expand, out channels, repeats, first stride, kernel)
        plan = [(1, 16, 1, 1, 3), (6, 24, 2, 2, 3), (6, 40, 2, 2, 5), (6, 64, 2, 2, 3), (6, 80, 1, 1, 5)]
        layers = [nn.Conv2d(in_shape[1], 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.SiLU()]
        channels = 32
        for expand, c_out, repeats, stride, kernel in plan:
            for i in range(repeats):
                layers.append(MBConv(channels, c_out, expand, kernel, stride if i == 0 else 1))
                channels = c_out
        layers += [nn.Conv2d(channels, 320, 1, bias=False), nn.BatchNorm2d(320), nn.SiLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten()]
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(320, out_shape[0]))

    def forward(self, x):
        return self.classifier(self.features(x))

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
