import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# PyramidNet (Han et al., 2017): the width grows a little at every block instead of doubling per stage;
# shortcuts zero-pad the new channels.
class PyramidBlock(nn.Module):
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.extra = c_out - c_in
        self.body = nn.Sequential(
            nn.BatchNorm2d(c_in),
            nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False),
            nn.BatchNorm2d(c_out), nn.ReLU(inplace=True),
            nn.Conv2d(c_out, c_out, 3, padding=1, bias=False),
            nn.BatchNorm2d(c_out),
        )
        self.down = nn.AvgPool2d(2) if stride == 2 else nn.Identity()

    def forward(self, x):
        shortcut = self.down(x)
        if self.extra > 0:
            pad = torch.zeros(shortcut.size(0), self.extra, shortcut.size(2), shortcut.size(3), device=x.device, dtype=x.dtype)
            shortcut = torch.cat([shortcut, pad], dim=1)
        return self.body(x) + shortcut


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        self.stem = nn.Sequential(nn.Conv2d(in_shape[1], 16, 3, padding=1, bias=False), nn.BatchNorm2d(16))
        widths = [16, 24, 32, 40, 48, 56, 64]
        strides = [1, 1, 2, 1, 2, 1]
        self.blocks = nn.Sequential(*[PyramidBlock(widths[i], widths[i + 1], strides[i]) for i in range(6)])
        self.head = nn.Sequential(nn.BatchNorm2d(64), nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc = nn.Linear(64, out_shape[0])

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
