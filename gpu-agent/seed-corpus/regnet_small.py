import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# RegNetX style (Radosavovic et al., 2020): stages of grouped bottleneck blocks with a fixed group width and
# bottleneck ratio 1, widths following a simple linear rule.
class XBlock(nn.Module):
    def __init__(self, c_in, c_out, stride, group_width=8):
        super().__init__()
        groups = c_out // group_width
        self.body = nn.Sequential(
            nn.Conv2d(c_in, c_out, 1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True),
            nn.Conv2d(c_out, c_out, 3, stride=stride, padding=1, groups=groups, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True),
            nn.Conv2d(c_out, c_out, 1, bias=False), nn.BatchNorm2d(c_out),
        )
        self.shortcut = nn.Identity() if stride == 1 and c_in == c_out else nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False), nn.BatchNorm2d(c_out))

    def forward(self, x):
        return torch.relu(self.body(x) + self.shortcut(x))


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        widths, depths = [24, 56, 152], [1, 2, 2]
        layers = [nn.Conv2d(in_shape[1], 24, 3, padding=1, bias=False), nn.BatchNorm2d(24), nn.ReLU(inplace=True)]
        channels = 24
        for width, depth in zip(widths, depths):
            for i in range(depth):
                layers.append(XBlock(channels, width, 2 if i == 0 else 1))
                channels = width
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(channels, out_shape[0])

    def forward(self, x):
        return self.fc(self.features(x))

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
