# -*- coding: utf-8 -*-
"""LeNet-5 for 32x32 inputs (LeCun et al., 1998), as in many tutorials."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet(nn.Module):
    """Two conv layers, three fully connected layers."""

    def __init__(self, num_classes: int = 10, in_channels=3) -> None:
        super().__init__()
        # feature extractor
        self.conv1 = nn.Conv2d(in_channels, 6, kernel_size=5)
        self.conv2 = nn.Conv2d(6, 16, 5)   # 16 maps of 5x5
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)  # flatten all dimensions except batch
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def count_parameters(model):
    '''Number of trainable parameters.'''
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


if __name__ == "__main__":
    net = LeNet()
    out = net(torch.randn(1, 3, 32, 32))
    print(f"output shape: {tuple(out.shape)}, params: {count_parameters(net):,}")
