import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { extractCode, extractDiff, ExtractionError } from '../../domain/generators/extract';
import { deltaMessages, fullProgramMessages, PAPER_DECODING, promptContextFor, promptTemplateHash } from '../../domain/generators/prompt';

const PROGRAM = "import torch\nimport torch.nn as nn\n\n\nclass Net(nn.Module):\n    def forward(self, x):\n        return x\n";

describe('extracting the program from an LLM answer', () => {
  it('takes the fenced python block that defines Net, ignoring prose and other blocks', () => {
    const out = `Here is a design.\n\n\`\`\`bash\npip install torch\n\`\`\`\n\n\`\`\`python\n${PROGRAM}\`\`\`\n\nIt uses residual blocks.`;
    assert.equal(extractCode(out), PROGRAM);
  });

  it('accepts an unterminated fence (the model ran out of tokens)', () => {
    assert.equal(extractCode('```python\n' + PROGRAM), PROGRAM);
  });

  it('accepts bare code with prose before and after it', () => {
    const out = `Sure! Below is the model.\n${PROGRAM}\nThis network has 3 layers and should reach good accuracy.\n`;
    assert.equal(extractCode(out), PROGRAM);
  });

  it('fails with an ExtractionError when there is no class Net', () => {
    assert.throws(() => extractCode('I cannot help with that.'), ExtractionError);
    assert.throws(() => extractCode('```python\nprint(1)\n```'), /none of the 1 code block/);
  });

  it('extracts a diff from a diff fence or from bare text', () => {
    const diff = '--- a/parent.py\n+++ b/candidate.py\n@@ -1,1 +1,1 @@\n-a = 1\n+a = 2\n';
    assert.equal(extractDiff('Changes:\n```diff\n' + diff + '```\nDone.'), diff);
    assert.equal(extractDiff('Changes:\n' + diff + 'That is all.'), diff);
    assert.throws(() => extractDiff('```python\n' + PROGRAM + '```'), ExtractionError);
  });
});

describe('the prompt', () => {
  it('names dataset, shapes, budget, permitted operations and the contract, and hashes stably', () => {
    const ctx = promptContextFor('cifar10', 500_000);
    const user = fullProgramMessages(ctx)[1]!.content;
    for (const needle of ['cifar10', '(N, 3, 32, 32)', '(N, 10)', '500,000', 'Permitted operations', 'supported_hyperparameters', 'train_setup', 'learn(self, train_data)', 'single nn.Module definition']) {
      assert.ok(user.includes(needle), `prompt lacks ${needle}`);
    }
    assert.match(fullProgramMessages(ctx)[0]!.content, /expert PyTorch architecture designer/);
    assert.equal(promptTemplateHash(ctx, false), promptTemplateHash(promptContextFor('cifar10', 500_000), false));
    assert.notEqual(promptTemplateHash(ctx, false), promptTemplateHash(ctx, true));
    assert.match(deltaMessages(ctx, 'x = 1\n')[1]!.content, /unified diff/);
    assert.deepEqual(PAPER_DECODING, { temperature: 0.2, topK: 50, topP: 0.9, maxNewTokens: 2048 });
  });
});
