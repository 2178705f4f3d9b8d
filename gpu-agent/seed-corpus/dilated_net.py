import torch
import torch.nn as nn


def supported_hyperparameters():
    return {'lr', 'momentum'}


# A dilated-convolution network (Yu & Koltun, 2016): receptive fields grow through dilation rather than
# downsampling, so the spatial resolution is kept until the global pool.
def dilated(c_in, c_out, dilation):
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=dilation, dilation=dilation, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
        self.device = device
        self.features = nn.Sequential(
            dilated(in_shape[1], 32, 1),
            nn.MaxPool2d(2),
            dilated(32, 64, 1), dilated(64, 64, 2), dilated(64, 64, 4),
            dilated(64, 96, 8), dilated(96, 96, 1),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
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
