"""Shared by llm_generate.py and lora_finetune.py: strict config, model loading from a local path only,
chat rendering, and the one-JSON-object-out convention ({"ok": true, "result": ...} or {"ok": false, "error": ...})."""
import json
import os
import sys
import time

# Models are loaded from local files only: nothing downloads, ever.
os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
os.environ.setdefault('TOKENIZERS_PARALLELISM', 'false')


class JobError(Exception):
    def __init__(self, code, message, hint=None):
        super().__init__(message)
        self.code, self.hint = code, hint


def read_config(allowed, defaults):
    """Reads one JSON object from stdin; unknown keys are refused so a typo never silently changes a run."""
    try:
        cfg = json.loads(sys.stdin.read())
    except json.JSONDecodeError as error:
        raise JobError('BAD_INPUT', f'the job config is not JSON: {error}') from None
    unknown = sorted(set(cfg) - set(allowed))
    if unknown:
        raise JobError('BAD_INPUT', f'unknown config keys {unknown}', f'allowed: {sorted(allowed)}')
    missing = sorted(k for k in allowed if k not in cfg and k not in defaults)
    if missing:
        raise JobError('BAD_INPUT', f'missing config keys {missing}')
    return {**defaults, **cfg}


def libraries():
    import torch
    import transformers
    import peft
    return {'torch': torch.__version__, 'transformers': transformers.__version__, 'peft': peft.__version__,
            'python': sys.version.split()[0]}


def resolve_device(name):
    import torch
    if name == 'auto':
        return 'cuda' if torch.cuda.is_available() else 'cpu'
    if name == 'cuda' and not torch.cuda.is_available():
        raise JobError('UNAVAILABLE', 'device cuda was asked for but no GPU is visible',
                       'Use --device cpu or run on a GPU machine.')
    if name not in ('cpu', 'cuda'):
        raise JobError('BAD_INPUT', f'unknown device {name!r}', 'Use cpu, cuda or auto.')
    return name


def load_model(path, device, adapter=None, trainable=False):
    """A causal LM and its tokenizer from a local directory; a clear error when it is not one."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
    if not os.path.isdir(path):
        raise JobError('NOT_FOUND', f'model directory {path} does not exist',
                       'Give the path of a local Hugging Face model directory (config.json, weights, tokenizer).')
    try:
        config = AutoConfig.from_pretrained(path, local_files_only=True)
    except Exception as error:
        raise JobError('BAD_INPUT', f'{path} is not a Hugging Face model directory: {error}',
                       'It needs a config.json.') from None
    architectures = getattr(config, 'architectures', None) or []
    if not any(a.endswith('ForCausalLM') for a in architectures):
        raise JobError('BAD_INPUT', f'{path} is not a causal language model (architectures: {architectures})',
                       'Use a decoder-only code model such as DeepSeek-Coder.')
    dtype = torch.bfloat16 if device == 'cuda' else torch.float32
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True, torch_dtype=dtype).to(device)
    if adapter is not None:
        from peft import PeftModel
        model = PeftModel.from_pretrained(model, adapter, is_trainable=trainable).to(device)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return model, tokenizer


PLAIN_ROLES = {'system': '<|system|>', 'user': '<|user|>', 'assistant': '<|assistant|>'}


def render_chat(tokenizer, messages, add_generation_prompt):
    """The model's own chat template when it has one, else a plain role-tagged rendering."""
    if getattr(tokenizer, 'chat_template', None):
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt)
    text = ''.join(f"{PLAIN_ROLES[m['role']]}\n{m['content']}\n" for m in messages)
    return text + (PLAIN_ROLES['assistant'] + '\n' if add_generation_prompt else '')


def run(main):
    start = time.time()
    try:
        result = main()
        result.setdefault('timings', {})['total'] = round(time.time() - start, 3)
        print(json.dumps({'ok': True, 'result': result}))
        return 0
    except JobError as error:
        print(json.dumps({'ok': False, 'error': {'code': error.code, 'message': str(error), 'hint': error.hint}}))
        return 1
    except Exception as error:  # a bug or a library failure: still one JSON answer, never a bare traceback
        message = f'{type(error).__name__}: {error}'
        print(json.dumps({'ok': False, 'error': {'code': 'INTERNAL', 'message': message, 'hint': None}}))
        return 1
