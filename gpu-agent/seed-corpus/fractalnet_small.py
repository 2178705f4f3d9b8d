import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# FractalNet (Larsson et al., 2017): a fractal expansion f(C+1) = join(conv, f(C) o f(C)), joined by the mean,
# giving paths of several depths without residual connections.
def conv_bn(c_in, c_out):
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))


class Fractal(nn.Module):
    def __init__(self, c_in, c_out, columns):
        super().__init__()
        self.short = conv_bn(c_in, c_out)
        self.deep = None
        if columns > 1:
            self.deep = nn.Sequential(Fractal(c_in, c_out, columns - 1), Fractal(c_out, c_out, columns - 1))

    def forward(self, x):
        if self.deep is None:
            return self.short(x)
        return (self.short(x) + self.deep(x)) / 2


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        self.features = nn.Sequential(
            Fractal(in_shape[1], 32, 2), nn.MaxPool2d(2),
            Fractal(32, 64, 2), nn.MaxPool2d(2),
            Fractal(64, 96, 2), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.fc = nn.Linear(96, out_shape[0])

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
