import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# GoogLeNet (Szegedy et al., 2014): inception modules run 1x1, 3x3, 5x5 (as two 3x3) and pooled branches
# in parallel and concatenate them.
def conv_bn_relu(c_in, c_out, kernel):
    return nn.Sequential(nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))


class Inception(nn.Module):
    def __init__(self, c_in, b1, b3_reduce, b3, b5_reduce, b5, pool_proj):
        super().__init__()
        self.branch1 = conv_bn_relu(c_in, b1, 1)
        self.branch3 = nn.Sequential(conv_bn_relu(c_in, b3_reduce, 1), conv_bn_relu(b3_reduce, b3, 3))
        self.branch5 = nn.Sequential(conv_bn_relu(c_in, b5_reduce, 1), conv_bn_relu(b5_reduce, b5, 3), conv_bn_relu(b5, b5, 3))
        self.branch_pool = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1), conv_bn_relu(c_in, pool_proj, 1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch3(x), self.branch5(x), self.branch_pool(x)], dim=1)


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        self.stem = conv_bn_relu(in_shape[1], 48, 3)
        self.features = nn.Sequential(
            Inception(48, 16, 24, 32, 4, 8, 8),
            Inception(64, 32, 32, 48, 8, 24, 16),
            nn.MaxPool2d(3, stride=2, padding=1),
            Inception(120, 48, 24, 52, 4, 12, 16),
            Inception(128, 40, 28, 56, 6, 16, 16),
            nn.MaxPool2d(3, stride=2, padding=1),
            Inception(128, 64, 40, 80, 8, 32, 32),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(208, out_shape[0])

    def forward(self, x):
        x = self.pool(self.features(self.stem(x)))
        return self.fc(self.dropout(torch.flatten(x, 1)))

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
