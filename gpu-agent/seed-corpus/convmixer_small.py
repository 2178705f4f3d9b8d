import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# ConvMixer (Trockman & Kolter, 2022): a patch embedding, then blocks of depthwise (spatial) and pointwise
# (channel) mixing with a residual around the depthwise part.
class Residual(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x) + x


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        dim, depth, kernel, patch = 128, 6, 5, 2
        blocks = []
        for _ in range(depth):
            blocks.append(nn.Sequential(
                Residual(nn.Sequential(
                    nn.Conv2d(dim, dim, kernel, groups=dim, padding=kernel // 2),
                    nn.GELU(), nn.BatchNorm2d(dim),
                )),
                nn.Conv2d(dim, dim, 1), nn.GELU(), nn.BatchNorm2d(dim),
            ))
        self.net = nn.Sequential(
            nn.Conv2d(in_shape[1], dim, kernel_size=patch, stride=patch), nn.GELU(), nn.BatchNorm2d(dim),
            *blocks,
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
            nn.Linear(dim, out_shape[0]),
        )

    def forward(self, x):
        return self.net(x)

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
