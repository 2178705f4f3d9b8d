import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# Res2Net (Gao et al., 2019): inside each block the channels are split into scales that feed one another,
# giving several receptive fields in one block.
class Res2Block(nn.Module):
    def __init__(self, channels, scales=4):
        super().__init__()
        self.scales = scales
        width = channels // scales
        self.convs = nn.ModuleList([
            nn.Sequential(nn.Conv2d(width, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True))
            for _ in range(scales - 1)
        ])
        self.fuse = nn.Sequential(nn.Conv2d(channels, channels, 1, bias=False), nn.BatchNorm2d(channels))

    def forward(self, x):
        parts = torch.chunk(x, self.scales, dim=1)
        outs = [parts[0]]
        previous = None
        for i, conv in enumerate(self.convs):
            inp = parts[i + 1] if previous is None else parts[i + 1] + previous
            previous = conv(inp)
            outs.append(previous)
        return torch.relu(self.fuse(torch.cat(outs, dim=1)) + x)


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        self.net = nn.Sequential(
            nn.Conv2d(in_shape[1], 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(inplace=True),
            Res2Block(32),
            nn.Conv2d(32, 64, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
            Res2Block(64),
            nn.Conv2d(64, 128, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(128), nn.ReLU(inplace=True),
            Res2Block(128),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
        )
        self.fc = nn.Linear(128, out_shape[0])

    def forward(self, x):
        return self.fc(self.net(x))

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
