import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# Network in Network (Lin et al., 2013): mlpconv blocks (a conv followed by 1x1 convs) and global average pooling.
def mlpconv(c_in, c_mid, c_out, kernel):
    return nn.Sequential(
        nn.Conv2d(c_in, c_mid, kernel_size=kernel, padding=kernel // 2),
        nn.ReLU(inplace=True),
        nn.Conv2d(c_mid, c_mid, kernel_size=1),
        nn.ReLU(inplace=True),
        nn.Conv2d(c_mid, c_out, kernel_size=1),
        nn.ReLU(inplace=True),
    )


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        self.features = nn.Sequential(
            mlpconv(in_shape[1], 64, 64, 5),
            nn.MaxPool2d(3, stride=2, padding=1),
            nn.Dropout(0.2),
            mlpconv(64, 96, 96, 5),
            nn.AvgPool2d(3, stride=2, padding=1),
            nn.Dropout(0.2),
            mlpconv(96, 96, out_shape[0], 3),
        )
        # The last mlpconv emits one map per class; global pooling turns maps into logits.
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
