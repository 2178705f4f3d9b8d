import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# Wide ResNet (Zagoruyko & Komodakis, 2016): fewer, wider pre-activation blocks with dropout between convs.
class WideBlock(nn.Module):
    def __init__(self, c_in, c_out, stride, dropout=0.1):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(c_in)
        self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)
        self.dropout = nn.Dropout(dropout)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, stride=stride, padding=1, bias=False)
        self.shortcut = nn.Identity() if stride == 1 and c_in == c_out else nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False)

    def forward(self, x):
        out = self.dropout(self.conv1(torch.relu(self.bn1(x))))
        out = self.conv2(torch.relu(self.bn2(out)))
        return out + self.shortcut(x)


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        widths = [16, 32, 64, 96]  # WRN-10-2 style, trimmed to fit the budget
        self.conv = nn.Conv2d(in_shape[1], widths[0], 3, padding=1, bias=False)
        self.blocks = nn.Sequential(
            WideBlock(widths[0], widths[1], 1),
            WideBlock(widths[1], widths[2], 2),
            WideBlock(widths[2], widths[3], 2),
        )
        self.bn = nn.BatchNorm2d(widths[3])
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(widths[3], out_shape[0])

    def forward(self, x):
        x = torch.relu(self.bn(self.blocks(self.conv(x))))
        return self.fc(torch.flatten(self.pool(x), 1))

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
