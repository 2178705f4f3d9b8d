import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# Highway convolutional network (Srivastava et al., 2015): a learned transform gate mixes each layer's output
# with its input, y = T * H(x) + (1 - T) * x.
class HighwayConv(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.transform = nn.Sequential(nn.Conv2d(channels, channels, 3, padding=1), nn.BatchNorm2d(channels), nn.ReLU(inplace=True))
        self.gate = nn.Conv2d(channels, channels, 3, padding=1)
        nn.init.constant_(self.gate.bias, -1.0)  # start close to the identity, as the paper advises

    def forward(self, x):
        t = torch.sigmoid(self.gate(x))
        return t * self.transform(x) + (1 - t) * x


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        self.features = nn.Sequential(
            nn.Conv2d(in_shape[1], 32, 3, padding=1), nn.ReLU(inplace=True),
            HighwayConv(32), HighwayConv(32), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(inplace=True),
            HighwayConv(64), HighwayConv(64), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.fc = nn.Linear(64, out_shape[0])

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
