import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# A multilayer perceptron baseline: pool the image to 8x8, flatten, two hidden layers.
class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        self.pool = nn.AdaptiveAvgPool2d((8, 8))
        self.mlp = nn.Sequential(
            nn.Flatten(),
            nn.Linear(in_shape[1] * 8 * 8, 256), nn.ReLU(inplace=True), nn.Dropout(0.2),
            nn.Linear(256, 128), nn.ReLU(inplace=True),
            nn.Linear(128, out_shape[0]),
        )

    def forward(self, x):
        return self.mlp(self.pool(x))

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
