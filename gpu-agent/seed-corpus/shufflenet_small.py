import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# ShuffleNet v1 (Zhang et al., 2017): grouped 1x1 convolutions with a channel shuffle so groups exchange information.
def channel_shuffle(x, groups):
    n, c, h, w = x.size()
    return x.view(n, groups, c // groups, h, w).transpose(1, 2).contiguous().view(n, c, h, w)


class ShuffleUnit(nn.Module):
    def __init__(self, c_in, c_out, stride, groups=4):
        super().__init__()
        self.stride = stride
        self.groups = groups
        # A strided unit concatenates its shortcut, so its branch only makes the difference in channels.
        branch_out = c_out - c_in if stride == 2 else c_out
        mid = c_out // 4
        self.reduce = nn.Sequential(nn.Conv2d(c_in, mid, 1, groups=groups, bias=False), nn.BatchNorm2d(mid), nn.ReLU(inplace=True))
        self.depthwise = nn.Sequential(nn.Conv2d(mid, mid, 3, stride=stride, padding=1, groups=mid, bias=False), nn.BatchNorm2d(mid))
        self.expand = nn.Sequential(nn.Conv2d(mid, branch_out, 1, groups=groups, bias=False), nn.BatchNorm2d(branch_out))
        self.shortcut = nn.AvgPool2d(3, stride=2, padding=1) if stride == 2 else nn.Identity()

    def forward(self, x):
        out = self.reduce(x)
        out = self.expand(self.depthwise(channel_shuffle(out, self.groups)))
        if self.stride == 2:
            return torch.relu(torch.cat([self.shortcut(x), out], dim=1))
        return torch.relu(x + out)


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        self.stem = nn.Sequential(nn.Conv2d(in_shape[1], 24, 3, padding=1, bias=False), nn.BatchNorm2d(24), nn.ReLU(inplace=True))
        self.stages = nn.Sequential(
            ShuffleUnit(24, 96, 2), ShuffleUnit(96, 96, 1), ShuffleUnit(96, 96, 1),
            ShuffleUnit(96, 192, 2), ShuffleUnit(192, 192, 1), ShuffleUnit(192, 192, 1),
            ShuffleUnit(192, 384, 2), ShuffleUnit(384, 384, 1),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(384, out_shape[0])

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.stages(self.stem(x))), 1))

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
