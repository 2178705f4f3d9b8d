import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# ShuffleNet v2 (Ma et al., 2018): split channels in half, transform one half, concatenate, shuffle.
def channel_shuffle(x, groups=2):
    n, c, h, w = x.size()
    return x.view(n, groups, c // groups, h, w).transpose(1, 2).contiguous().view(n, c, h, w)


class ShuffleV2Block(nn.Module):
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.stride = stride
        half = c_out // 2
        branch_in = c_in if stride == 2 else c_in // 2
        self.branch = nn.Sequential(
            nn.Conv2d(branch_in, half, 1, bias=False), nn.BatchNorm2d(half), nn.ReLU(inplace=True),
            nn.Conv2d(half, half, 3, stride=stride, padding=1, groups=half, bias=False), nn.BatchNorm2d(half),
            nn.Conv2d(half, half, 1, bias=False), nn.BatchNorm2d(half), nn.ReLU(inplace=True),
        )
        self.shortcut = None
        if stride == 2:
            self.shortcut = nn.Sequential(
                nn.Conv2d(c_in, c_in, 3, stride=2, padding=1, groups=c_in, bias=False), nn.BatchNorm2d(c_in),
                nn.Conv2d(c_in, half, 1, bias=False), nn.BatchNorm2d(half), nn.ReLU(inplace=True),
            )

    def forward(self, x):
        if self.shortcut is None:
            left, right = x.chunk(2, dim=1)
            out = torch.cat([left, self.branch(right)], dim=1)
        else:
            out = torch.cat([self.shortcut(x), self.branch(x)], dim=1)
        return channel_shuffle(out)


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        layers = [nn.Conv2d(in_shape[1], 24, 3, padding=1, bias=False), nn.BatchNorm2d(24), nn.ReLU(inplace=True)]
        channels = 24
        for c_out, repeats in [(64, 3), (128, 4), (256, 2)]:
            for i in range(repeats):
                layers.append(ShuffleV2Block(channels, c_out, 2 if i == 0 else 1))
                channels = c_out
        layers += [nn.Conv2d(channels, 384, 1, bias=False), nn.BatchNorm2d(384), nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d(1)]
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(384, out_shape[0])

    def forward(self, x):
        return self.fc(torch.flatten(self.features(x), 1))

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
