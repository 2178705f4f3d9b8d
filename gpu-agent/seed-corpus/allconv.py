import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# All-Convolutional Net (Springenberg et al., 2014): strided convolutions instead of pooling.
class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        self.features = nn.Sequential(
            nn.Conv2d(in_shape[1], 48, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(48, 48, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(48, 48, 3, stride=2, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(48, 96, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(96, 96, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(96, 96, 3, stride=2, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(96, 96, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(96, 96, 1), nn.ReLU(inplace=True),
            nn.Conv2d(96, out_shape[0], 1),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        return torch.flatten(self.pool(self.features(x)), 1)

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
