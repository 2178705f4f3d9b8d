import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# SqueezeNet (Iandola et al., 2016): fire modules squeeze with 1x1 convs, then expand with 1x1 and 3x3 in parallel.
class Fire(nn.Module):
    def __init__(self, c_in, squeeze, expand):
        super().__init__()
        self.squeeze = nn.Sequential(nn.Conv2d(c_in, squeeze, 1), nn.ReLU(inplace=True))
        self.expand1 = nn.Sequential(nn.Conv2d(squeeze, expand, 1), nn.ReLU(inplace=True))
        self.expand3 = nn.Sequential(nn.Conv2d(squeeze, expand, 3, padding=1), nn.ReLU(inplace=True))

    def forward(self, x):
        x = self.squeeze(x)
        return torch.cat([self.expand1(x), self.expand3(x)], dim=1)


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        self.features = nn.Sequential(
            nn.Conv2d(in_shape[1], 64, 3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            Fire(64, 16, 64), Fire(128, 16, 64),
            nn.MaxPool2d(2),
            Fire(128, 32, 128), Fire(256, 32, 128),
            nn.MaxPool2d(2),
            Fire(256, 48, 192),
        )
        self.classifier = nn.Sequential(
            nn.Dropout(0.2),
            nn.Conv2d(384, out_shape[0], 1), nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool2d(1),
        )

    def forward(self, x):
        return torch.flatten(self.classifier(self.features(x)), 1)

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
