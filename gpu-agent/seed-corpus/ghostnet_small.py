import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# GhostNet (Han et al., 2020): a ghost module makes half its maps with a real conv and the other half
# with cheap depthwise operations on them.
class GhostModule(nn.Module):
    def __init__(self, c_in, c_out, relu=True):
        super().__init__()
        primary = c_out // 2
        self.primary = nn.Sequential(nn.Conv2d(c_in, primary, 1, bias=False), nn.BatchNorm2d(primary), nn.ReLU(inplace=True) if relu else nn.Identity())
        self.cheap = nn.Sequential(nn.Conv2d(primary, c_out - primary, 3, padding=1, groups=primary, bias=False), nn.BatchNorm2d(c_out - primary), nn.ReLU(inplace=True) if relu else nn.Identity())

    def forward(self, x):
        y = self.primary(x)
        return torch.cat([y, self.cheap(y)], dim=1)


class GhostBottleneck(nn.Module):
    def __init__(self, c_in, hidden, c_out, stride):
        super().__init__()
        self.ghost1 = GhostModule(c_in, hidden)
        self.depthwise = nn.Identity()
        if stride == 2:
            self.depthwise = nn.Sequential(nn.Conv2d(hidden, hidden, 3, stride=2, padding=1, groups=hidden, bias=False), nn.BatchNorm2d(hidden))
        self.ghost2 = GhostModule(hidden, c_out, relu=False)
        self.shortcut = nn.Identity()
        if stride != 1 or c_in != c_out:
            self.shortcut = nn.Sequential(
                nn.Conv2d(c_in, c_in, 3, stride=stride, padding=1, groups=c_in, bias=False), nn.BatchNorm2d(c_in),
                nn.Conv2d(c_in, c_out, 1, bias=False), nn.BatchNorm2d(c_out),
            )

    def forward(self, x):
        return self.ghost2(self.depthwise(self.ghost1(x))) + self.shortcut(x)


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        self.stem = nn.Sequential(nn.Conv2d(in_shape[1], 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(inplace=True))
        self.blocks = nn.Sequential(
            GhostBottleneck(16, 16, 16, 1),
            GhostBottleneck(16, 48, 24, 2),
            GhostBottleneck(24, 72, 24, 1),
            GhostBottleneck(24, 72, 40, 2),
            GhostBottleneck(40, 120, 40, 1),
            GhostBottleneck(40, 240, 80, 2),
            GhostBottleneck(80, 200, 80, 1),
        )
        self.head = nn.Sequential(nn.Conv2d(80, 320, 1, bias=False), nn.BatchNorm2d(320), nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc = nn.Linear(320, out_shape[0])

    def forward(self, x):
        return self.fc(self.head(self.blocks(self.stem(x))))

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
