"""LoRA fine-tuning of a local causal LM on chat-format prompt-code pairs (the paper's recipe).

stdin:  {"model": path, "adapter": path|null (continue from this adapter), "pairs": [[{role, content}...]...],
         "out": dir, "seed": int, "device": "cpu"|"cuda"|"auto", "hyper": {overrides of HYPER}}
stdout: {"ok": true, "result": {"lossBefore", "lossAfter", "epochLosses", "steps", "hyper", "optimizer", "device",
         "libraries", "timings"}}
Loss is computed on the assistant (code) tokens only; lossBefore/lossAfter are evaluated without dropout over all
pairs, so they are comparable. The adapter is saved to `out`; the caller hashes the directory.
"""
import contextlib
import math
import random
import sys
import time

from llm_common import JobError, libraries, load_model, read_config, render_chat, resolve_device, run

ALLOWED = ('model', 'adapter', 'pairs', 'out', 'seed', 'device', 'hyper')
DEFAULTS = {'adapter': None, 'seed': 0, 'device': 'auto', 'hyper': {}}

# The paper's hyper-parameters (PROTOCOLS.md, "Admission and fine-tuning").
HYPER = {
    'r': 32, 'alpha': 32, 'dropout': 0.05,
    'targetModules': ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'up_proj', 'down_proj', 'gate_proj'],
    'epochs': 5, 'lr': 1e-5, 'warmupSteps': 20, 'weightDecay': 0.01, 'maxGradNorm': 1.0,
    'batchSize': 1, 'gradientAccumulation': 4, 'maxLength': 2048,
}


def encode(tokenizer, pair, max_length):
    """(input_ids, labels) with the prompt masked out (-100): only the code is learned."""
    prompt = render_chat(tokenizer, pair[:-1], add_generation_prompt=True)
    full = render_chat(tokenizer, pair, add_generation_prompt=False)
    prompt_ids = tokenizer(prompt, add_special_tokens=False)['input_ids']
    ids = tokenizer(full, add_special_tokens=False)['input_ids']
    if tokenizer.eos_token_id is not None:
        ids = ids + [tokenizer.eos_token_id]
    ids = ids[:max_length]
    labels = [-100] * min(len(prompt_ids), len(ids)) + ids[len(prompt_ids):]
    return ids, labels


def mean_loss(model, examples, device):
    import torch
    model.eval()
    total, n = 0.0, 0
    with torch.no_grad():
        for ids, labels in examples:
            out = model(input_ids=torch.tensor([ids], device=device), labels=torch.tensor([labels], device=device))
            total += float(out.loss)
            n += 1
    return total / max(n, 1)


def main():
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import get_cosine_schedule_with_warmup
    cfg = read_config(ALLOWED, DEFAULTS)
    unknown = sorted(set(cfg['hyper']) - set(HYPER))
    if unknown:
        raise JobError('BAD_INPUT', f'unknown hyper-parameters {unknown}', f'allowed: {sorted(HYPER)}')
    hyper = {**HYPER, **cfg['hyper']}
    if not cfg['pairs']:
        raise JobError('BAD_INPUT', 'no training pairs', 'Fine-tune on a non-empty corpus.')
    device = resolve_device(cfg['device'])
    random.seed(cfg['seed'])
    torch.manual_seed(cfg['seed'])
    t0 = time.time()
    model, tokenizer = load_model(cfg['model'], device, cfg['adapter'], trainable=True)
    if cfg['adapter'] is None:
        lora = LoraConfig(r=hyper['r'], lora_alpha=hyper['alpha'], lora_dropout=hyper['dropout'],
                          target_modules=hyper['targetModules'], bias='none', task_type='CAUSAL_LM')
        model = get_peft_model(model, lora)
    load_s = time.time() - t0
    examples = [encode(tokenizer, pair, hyper['maxLength']) for pair in cfg['pairs']]
    loss_before = mean_loss(model, examples, device)

    params = [p for p in model.parameters() if p.requires_grad]
    optimizer_name = 'AdamW'
    optimizer = None
    if device == 'cuda':
        try:  # the paper's paged AdamW 8-bit, where bitsandbytes is installed
            import bitsandbytes as bnb
            optimizer = bnb.optim.PagedAdamW8bit(params, lr=hyper['lr'], weight_decay=hyper['weightDecay'])
            optimizer_name = 'PagedAdamW8bit'
        except ImportError:
            optimizer = None
    if optimizer is None:
        optimizer = torch.optim.AdamW(params, lr=hyper['lr'], weight_decay=hyper['weightDecay'])
    accumulation = hyper['gradientAccumulation']
    steps_per_epoch = math.ceil(len(examples) / (hyper['batchSize'] * accumulation))
    total_steps = steps_per_epoch * hyper['epochs']
    scheduler = get_cosine_schedule_with_warmup(optimizer, hyper['warmupSteps'], total_steps)
    epoch_losses = []
    steps = 0
    t1 = time.time()
    for _ in range(hyper['epochs']):
        model.train()
        order = list(range(len(examples)))
        random.shuffle(order)
        running, seen = 0.0, 0
        for k, i in enumerate(order):
            ids, labels = examples[i]
            # bf16 autocast on the GPU; the CPU build of torch 1.13 cannot even construct a disabled CUDA autocast.
            amp = (torch.autocast(device_type='cuda', dtype=torch.bfloat16) if device == 'cuda'
                   else contextlib.nullcontext())
            with amp:
                out = model(input_ids=torch.tensor([ids], device=device), labels=torch.tensor([labels], device=device))
            (out.loss / accumulation).backward()
            running += float(out.loss)
            seen += 1
            if (k + 1) % accumulation == 0 or k + 1 == len(order):
                torch.nn.utils.clip_grad_norm_(params, hyper['maxGradNorm'])
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
                steps += 1
        epoch_losses.append(running / max(seen, 1))
    train_s = time.time() - t1
    loss_after = mean_loss(model, examples, device)
    model.save_pretrained(cfg['out'])
    return {'lossBefore': loss_before, 'lossAfter': loss_after, 'epochLosses': epoch_losses, 'steps': steps,
            'hyper': hyper,
            'optimizer': optimizer_name, 'device': device, 'libraries': libraries(), 'examples': len(examples),
            'timings': {'load': round(load_s, 3), 'train': round(train_s, 3)}}


if __name__ == '__main__':
    sys.exit(run(main))
