"""Builds a tiny Llama-style causal LM with random weights and a BPE tokenizer trained locally on the seed
corpus, saved as a normal Hugging Face model directory. CI has no weights: tests and benchmarks run the real
LLM generator code path against this model. Nothing is downloaded.

usage: python build_tiny_llm.py OUT_DIR [--seed 0] [--vocab 2048] [--hidden 64] [--layers 2]
"""
import glob
import json
import os
import sys

os.environ.setdefault('HF_HUB_OFFLINE', '1')

CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)
SPECIAL = ['<unk>', '<s>', '</s>', '<|system|>', '<|user|>', '<|assistant|>']


def main(argv):
    args = list(argv)
    if not args:
        raise SystemExit(__doc__)
    out = args.pop(0)
    opts = {'--seed': 0, '--vocab': 2048, '--hidden': 64, '--layers': 2}
    while args:
        flag = args.pop(0)
        if flag not in opts:
            raise SystemExit(f'unknown flag {flag}; {__doc__}')
        opts[flag] = int(args.pop(0))
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    corpus_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'seed-corpus')
    texts = [open(p).read() for p in sorted(glob.glob(os.path.join(corpus_dir, '*.py')))]
    tok = Tokenizer(models.BPE(unk_token='<unk>'))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=opts['--vocab'], special_tokens=SPECIAL,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(texts, trainer=trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token='<unk>', bos_token='<s>', eos_token='</s>',
                                   pad_token='</s>')
    fast.chat_template = CHAT_TEMPLATE
    torch.manual_seed(opts['--seed'])
    config = LlamaConfig(
        vocab_size=len(fast), hidden_size=opts['--hidden'], intermediate_size=2 * opts['--hidden'],
        num_hidden_layers=opts['--layers'],
        num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=4096,
        bos_token_id=fast.bos_token_id, eos_token_id=fast.eos_token_id, pad_token_id=fast.pad_token_id,
    )
    model = LlamaForCausalLM(config)
    os.makedirs(out, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    fast.save_pretrained(out)
    print(json.dumps({'out': out, 'vocab': len(fast), 'params': sum(p.numel() for p in model.parameters())}))


if __name__ == '__main__':
    main(sys.argv[1:])
