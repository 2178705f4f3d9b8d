import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# DenseNet (Huang et al., 2017): every layer receives the concatenation of all earlier feature maps in its block.
class DenseLayer(nn.Module):
    def __init__(self, c_in, growth):
        super().__init__()
        self.body = nn.Sequential(
            nn.BatchNorm2d(c_in), nn.ReLU(inplace=True),
            nn.Conv2d(c_in, 4 * growth, 1, bias=False),
            nn.BatchNorm2d(4 * growth), nn.ReLU(inplace=True),
            nn.Conv2d(4 * growth, growth, 3, padding=1, bias=False),
        )

    def forward(self, x):
        return torch.cat([x, self.body(x)], dim=1)


def transition(c_in, c_out):
    return nn.Sequential(nn.BatchNorm2d(c_in), nn.ReLU(inplace=True), nn.Conv2d(c_in, c_out, 1, bias=False), nn.AvgPool2d(2))


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        growth = 12
        layers = [nn.Conv2d(in_shape[1], 2 * growth, 3, padding=1, bias=False)]
        channels = 2 * growth
        for block in range(3):
            for _ in range(6):
                layers.append(DenseLayer(channels, growth))
                channels += growth
            if block < 2:
                layers.append(transition(channels, channels // 2))
                channels //= 2
        layers += [nn.BatchNorm2d(channels), nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d(1)]
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(channels, out_shape[0])

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
