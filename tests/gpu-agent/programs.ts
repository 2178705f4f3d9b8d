/**
 * Candidate programs for the runner tests: a small valid CNN under the contract, and variants with one thing
 * injected (a broken stage, or something hostile). Kept as strings so all Python stays under gpu-agent/.
 */
export interface Variant {
  /** Lines before the class (imports, helpers). */
  readonly header?: string;
  /** Statements at the start of Net.__init__ (after super().__init__()). */
  readonly init?: string;
  /** Statements at the start of forward(self, x). */
  readonly forward?: string;
  /** Replaces the forward's return expression. */
  readonly returns?: string;
  /** Statements at the start of learn(self, train_data). */
  readonly learn?: string;
  readonly hyperparameters?: string;
  readonly omitLearn?: boolean;
  readonly width?: number;
}

const indent = (code: string, spaces: number) => code.split('\n').map((l) => ' '.repeat(spaces) + l).join('\n');

export function program(v: Variant = {}): string {
  const width = v.width ?? 16;
  return `import torch
import torch.nn as nn
${v.header ?? ''}

def supported_hyperparameters():
    return ${v.hyperparameters ?? "{'lr', 'momentum'}"}


class Net(nn.Module):
    def __init__(self, in_shape, out_shape, prm, device):
        super().__init__()
${v.init ? indent(v.init, 8) : ''}
        self.device = device
        self.features = nn.Sequential(
            nn.Conv2d(in_shape[1], ${width}, 3, padding=1), nn.BatchNorm2d(${width}), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(${width}, ${width * 2}, 3, padding=1), nn.BatchNorm2d(${width * 2}), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.head = nn.Linear(${width * 2}, out_shape[0])

    def forward(self, x):
${v.forward ? indent(v.forward, 8) : ''}
        return ${v.returns ?? 'self.head(torch.flatten(self.features(x), 1))'}

    def train_setup(self, prm):
        self.to(self.device)
        self.criteria = (nn.CrossEntropyLoss(),)
        self.optimizer = torch.optim.SGD(self.parameters(), lr=prm['lr'], momentum=prm['momentum'])
${v.omitLearn ? '' : `
    def learn(self, train_data):
${v.learn ? indent(v.learn, 8) : ''}
        self.train()
        for inputs, labels in train_data:
            inputs, labels = inputs.to(self.device), labels.to(self.device)
            self.optimizer.zero_grad()
            loss = self.criteria[0](self(inputs), labels)
            loss.backward()
            self.optimizer.step()
`}`;
}

export const GOOD = program();
