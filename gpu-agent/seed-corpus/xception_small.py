import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# Xception (Chollet, 2017): depthwise-separable convolutions throughout, with residual connections.
class SeparableConv(nn.Sequential):
    def __init__(self, c_in, c_out):
        super().__init__(
            nn.Conv2d(c_in, c_in, 3, padding=1, groups=c_in, bias=False),
            nn.Conv2d(c_in, c_out, 1, bias=False),
            nn.BatchNorm2d(c_out),
        )


class XceptionBlock(nn.Module):
    def __init__(self, c_in, c_out, downsample):
        super().__init__()
        self.body = nn.Sequential(
            nn.ReLU(), SeparableConv(c_in, c_out),
            nn.ReLU(), SeparableConv(c_out, c_out),
            nn.MaxPool2d(3, stride=2, padding=1) if downsample else nn.Identity(),
        )
        self.shortcut = nn.Identity()
        if downsample or c_in != c_out:
            self.shortcut = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=2 if downsample else 1, bias=False), nn.BatchNorm2d(c_out))

    def forward(self, x):
        return self.body(x) + self.shortcut(x)


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        self.entry = nn.Sequential(
            nn.Conv2d(in_shape[1], 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(inplace=True),
            nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64),
        )
        self.blocks = nn.Sequential(
            XceptionBlock(64, 128, True),
            XceptionBlock(128, 192, True),
            XceptionBlock(192, 192, False),
            XceptionBlock(192, 256, True),
        )
        self.exit = nn.Sequential(nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc = nn.Linear(256, out_shape[0])

    def forward(self, x):
        return self.fc(self.exit(self.blocks(self.entry(x))))

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
