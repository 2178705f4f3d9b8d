"""Generates completions with a local causal LM (optionally with a LoRA adapter) for a batch of chat requests.

stdin:  {"model": path, "adapter": path|null, "requests": [{"messages": [{role, content}...]}...],
         "decoding": {"temperature", "topK", "topP", "maxNewTokens"}, "seed": int, "device": "cpu"|"cuda"|"auto"}
stdout: {"ok": true, "result": {"outputs": [{"text", "outputTokens"}...], "device", "libraries", "timings"}}
Request i is sampled under torch.manual_seed(seed + i), so a batch is reproducible request by request.
"""
import sys
import time

from llm_common import JobError, libraries, load_model, read_config, render_chat, resolve_device, run

ALLOWED = ('model', 'adapter', 'requests', 'decoding', 'seed', 'device')
DEFAULTS = {'adapter': None, 'seed': 0, 'device': 'auto'}


def main():
    import torch
    cfg = read_config(ALLOWED, DEFAULTS)
    decoding = cfg['decoding']
    for key in ('temperature', 'topK', 'topP', 'maxNewTokens'):
        if key not in decoding:
            raise JobError('BAD_INPUT', f'decoding.{key} is missing')
    device = resolve_device(cfg['device'])
    t0 = time.time()
    model, tokenizer = load_model(cfg['model'], device, cfg['adapter'])
    model.eval()
    load_s = time.time() - t0
    outputs = []
    t1 = time.time()
    for i, request in enumerate(cfg['requests']):
        prompt = render_chat(tokenizer, request['messages'], add_generation_prompt=True)
        inputs = tokenizer(prompt, return_tensors='pt', add_special_tokens=False,
                           return_token_type_ids=False).to(device)
        torch.manual_seed(cfg['seed'] + i)
        with torch.no_grad():
            out = model.generate(
                **inputs, do_sample=True, temperature=decoding['temperature'], top_k=decoding['topK'],
                top_p=decoding['topP'],
                max_new_tokens=decoding['maxNewTokens'], pad_token_id=tokenizer.pad_token_id,
            )
        new_tokens = out[0][inputs['input_ids'].shape[1]:]  # (T_new,)
        outputs.append({'text': tokenizer.decode(new_tokens, skip_special_tokens=True),
                        'outputTokens': int(new_tokens.shape[0])})
    return {'outputs': outputs, 'device': device, 'libraries': libraries(),
            'timings': {'load': round(load_s, 3), 'generate': round(time.time() - t1, 3)}}


if __name__ == '__main__':
    sys.exit(run(main))
