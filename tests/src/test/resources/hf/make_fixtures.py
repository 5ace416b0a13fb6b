#!/usr/bin/python3
"""Golden fixtures for cola4j's Hugging Face loader (cola4j.models.hf), written with Debian's python3-torch only.

transformers is not used (it is not installed here): each family is a small, independent float64 re-implementation
of transformers' modeling code (modeling_gpt2.py GPT2LMHeadModel, modeling_bert.py BertForSequenceClassification,
modeling_roberta.py RobertaForSequenceClassification, modeling_bart.py BartForConditionalGeneration), reading the
weights by their real tensor names from a directory laid out as transformers saves it (config.json with the real
keys + model.safetensors). For each family it writes, next to config.json and model.safetensors:

  expected.safetensors  (all F64)
    input_ids, attention_mask [, token_type_ids] [, decoder_input_ids], labels   the fixed batch (ids as exact floats)
    logits        the model's logits in float64 from the stored weights
    loss          the loss transformers computes for these labels (mean cross-entropy, -100 ignored)
    lora.<module>.A0 / .B0   LoRA factors before the step: A [r, in], B [out, r] (PEFT's lora_A / lora_B)
    lora.<module>.A1 / .B1   after ONE plain SGD step (p <- p - lr * dL/dp) on the loss with LoRA applied
    lora_loss     the loss with LoRA at A0/B0 (before the step)
  metadata: rank, alpha, lr, optimizer=sgd, target_modules

LoRA (PEFT's lora.Linear without dropout): h' = h + (alpha/r) * x A^T B^T on every target module; for GPT-2's Conv1D
(fan_in_fan_out) x is the module input and h its output in the same sense. B0 is drawn non-zero (PEFT starts from
B = 0, which makes dL/dA = 0 in the first step, so this checks both factors' gradients).

Weights are stored as F32 (gpt2, bart), F16 (bert) and BF16 (roberta) to exercise conversion on load; the reference
computations use exactly the stored values, widened to float64. Run from anywhere:  /usr/bin/python3 make_fixtures.py
Deterministic (torch.manual_seed); rewrites the four directories next to this script.
"""
import json
import math
import os
import struct

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
MIN = torch.finfo(torch.float64).min
RANK, ALPHA, LR = 2, 4.0, 0.1
SCALE = ALPHA / RANK


# ---------------------------------------------------------------- safetensors
def write_safetensors(path, tensors, dtypes=None, metadata=None):
    """tensors: name -> float64 tensor; dtypes: name -> 'F64'|'F32'|'F16'|'BF16' (default F64)."""
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        dt = (dtypes or {}).get(name, "F64")
        t = t.detach().contiguous()
        if dt == "F64":
            b = t.to(torch.float64).numpy().tobytes()
        elif dt == "F32":
            b = t.to(torch.float32).numpy().tobytes()
        elif dt == "F16":
            b = t.to(torch.float16).numpy().tobytes()
        elif dt == "BF16":
            b = t.to(torch.bfloat16).view(torch.int16).numpy().tobytes()
        header[name] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


TORCH_DTYPE = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}


def stored(t, dt):
    """The float64 value of t after rounding to the storage dtype."""
    return t.to(TORCH_DTYPE[dt]).to(torch.float64)


def rand(*shape, std=0.3):
    return torch.randn(*shape) * std


# ---------------------------------------------------------------- shared pieces
def layer_norm(x, w, b, eps):
    return F.layer_norm(x, (x.shape[-1],), w, b, eps)


def gelu_new(x):  # transformers NewGELUActivation
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


ACT = {"gelu": F.gelu, "gelu_new": gelu_new, "relu": F.relu}


class Lora:
    """Target module name -> (A, B) leaf tensors; applied to a module's output."""

    def __init__(self, targets):
        self.targets, self.f = targets, {}

    def add(self, name, x, h):
        for t in self.targets:
            if name == t or name.endswith("." + t):
                if name not in self.f:
                    a = rand(RANK, x.shape[-1], std=0.5).requires_grad_()
                    b = rand(h.shape[-1], RANK, std=0.5).requires_grad_()
                    self.f[name] = (a, b)
                a, b = self.f[name]
                return h + SCALE * (x @ a.T @ b.T)
        return h


def linear(W, name, x, lora):  # nn.Linear: x W^T + b
    return lora.add(name, x, x @ W[name + ".weight"].T + W[name + ".bias"])


def conv1d(W, name, x, lora):  # transformers Conv1D: x W + b, W [in, out]
    return lora.add(name, x, x @ W[name + ".weight"] + W[name + ".bias"])


def heads(x, nh):
    b, t, c = x.shape
    return x.view(b, t, nh, c // nh).permute(0, 2, 1, 3)


def merge(x):
    b, nh, t, hs = x.shape
    return x.permute(0, 2, 1, 3).reshape(b, t, nh * hs)


def extended(mask):  # transformers get_extended_attention_mask: (1 - m) * finfo.min, [B, 1, 1, T]
    return (1.0 - mask[:, None, None, :].to(torch.float64)) * MIN


# ---------------------------------------------------------------- GPT-2 (modeling_gpt2.py)
def gpt2(W, cfg, batch, lora):
    ids, mask = batch["input_ids"], batch["attention_mask"]
    c, nh, eps = cfg["n_embd"], cfg["n_head"], cfg["layer_norm_epsilon"]
    t = ids.shape[1]
    h = W["transformer.wte.weight"][ids] + W["transformer.wpe.weight"][torch.arange(t)]
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for i in range(cfg["n_layer"]):
        p = f"transformer.h.{i}."
        a = layer_norm(h, W[p + "ln_1.weight"], W[p + "ln_1.bias"], eps)
        q, k, v = conv1d(W, p + "attn.c_attn", a, lora).split(c, dim=2)
        q, k, v = heads(q, nh), heads(k, nh), heads(v, nh)
        w = torch.matmul(q, k.transpose(-1, -2)) / torch.full([], v.size(-1) ** 0.5)
        w = torch.where(causal, w, torch.full([], MIN)) + extended(mask)
        o = conv1d(W, p + "attn.c_proj", merge(torch.matmul(F.softmax(w, dim=-1), v)), lora)
        h = h + o
        m = layer_norm(h, W[p + "ln_2.weight"], W[p + "ln_2.bias"], eps)
        m = conv1d(W, p + "mlp.c_proj", ACT[cfg["activation_function"]](conv1d(W, p + "mlp.c_fc", m, lora)), lora)
        h = h + m
    h = layer_norm(h, W["transformer.ln_f.weight"], W["transformer.ln_f.bias"], eps)
    logits = h @ W["transformer.wte.weight"].T
    labels = batch["labels"]
    loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1), ignore_index=-100)
    return logits, loss


# ------------------------------------------------------- BERT / RoBERTa (modeling_bert.py, modeling_roberta.py)
def bert(W, cfg, batch, lora):
    ids, mask, tt = batch["input_ids"], batch["attention_mask"], batch["token_type_ids"]
    roberta = cfg["model_type"] == "roberta"
    p0, nh, eps = cfg["model_type"] + ".", cfg["num_attention_heads"], cfg["layer_norm_eps"]
    act = ACT[cfg["hidden_act"]]
    t = ids.shape[1]
    if roberta:  # create_position_ids_from_input_ids
        pad = cfg["pad_token_id"]
        m = ids.ne(pad).int()
        pos = (torch.cumsum(m, dim=1).type_as(m) * m).long() + pad
    else:
        pos = torch.arange(t)[None, :]
    e = (W[p0 + "embeddings.word_embeddings.weight"][ids] + W[p0 + "embeddings.token_type_embeddings.weight"][tt]
         + W[p0 + "embeddings.position_embeddings.weight"][pos])
    h = layer_norm(e, W[p0 + "embeddings.LayerNorm.weight"], W[p0 + "embeddings.LayerNorm.bias"], eps)
    ext = extended(mask)
    for i in range(cfg["num_hidden_layers"]):
        p = f"{p0}encoder.layer.{i}."
        q = heads(linear(W, p + "attention.self.query", h, lora), nh)
        k = heads(linear(W, p + "attention.self.key", h, lora), nh)
        v = heads(linear(W, p + "attention.self.value", h, lora), nh)
        s = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.shape[-1]) + ext
        ctx = merge(torch.matmul(F.softmax(s, dim=-1), v))
        a = layer_norm(linear(W, p + "attention.output.dense", ctx, lora) + h,
                       W[p + "attention.output.LayerNorm.weight"], W[p + "attention.output.LayerNorm.bias"], eps)
        o = linear(W, p + "output.dense", act(linear(W, p + "intermediate.dense", a, lora)), lora)
        h = layer_norm(o + a, W[p + "output.LayerNorm.weight"], W[p + "output.LayerNorm.bias"], eps)
    first = h[:, 0, :]
    if roberta:  # RobertaClassificationHead
        logits = linear(W, "classifier.out_proj", torch.tanh(linear(W, "classifier.dense", first, lora)), lora)
    else:  # BertPooler + classifier
        logits = linear(W, "classifier", torch.tanh(linear(W, p0 + "pooler.dense", first, lora)), lora)
    return logits, F.cross_entropy(logits, batch["labels"][:, 0])


# ---------------------------------------------------------------- BART (modeling_bart.py)
def shift_tokens_right(x, pad, start):
    y = x.new_zeros(x.shape)
    y[:, 1:] = x[:, :-1].clone()
    y[:, 0] = start
    return y.masked_fill(y == -100, pad)


def bart_attention(W, p, x, kv, nh, mask_add, lora):
    hs = x.shape[-1] // nh
    q = linear(W, p + "q_proj", x, lora) * hs ** -0.5
    k, v = linear(W, p + "k_proj", kv, lora), linear(W, p + "v_proj", kv, lora)
    w = torch.matmul(heads(q, nh), heads(k, nh).transpose(-1, -2)) + mask_add
    return linear(W, p + "out_proj", merge(torch.matmul(F.softmax(w, dim=-1), heads(v, nh))), lora)


def bart(W, cfg, batch, lora):
    ids, mask, labels = batch["input_ids"], batch["attention_mask"], batch["labels"]
    dec = batch["decoder_input_ids"]
    c, act = cfg["d_model"], ACT[cfg["activation_function"]]
    scale = math.sqrt(c) if cfg["scale_embedding"] else 1.0
    eps = 1e-5

    def embed(x, side):
        pos = W[f"model.{side}.embed_positions.weight"][torch.arange(x.shape[1]) + 2]  # offset 2
        e = W["model.shared.weight"][x] * scale + pos
        return layer_norm(e, W[f"model.{side}.layernorm_embedding.weight"],
                          W[f"model.{side}.layernorm_embedding.bias"], eps)

    def ln(x, name):
        return layer_norm(x, W[name + ".weight"], W[name + ".bias"], eps)

    h = embed(ids, "encoder")
    for i in range(cfg["encoder_layers"]):
        p = f"model.encoder.layers.{i}."
        h = ln(h + bart_attention(W, p + "self_attn.", h, h, cfg["encoder_attention_heads"], extended(mask), lora),
               p + "self_attn_layer_norm")
        h = ln(h + linear(W, p + "fc2", act(linear(W, p + "fc1", h, lora)), lora), p + "final_layer_norm")
    t = dec.shape[1]
    causal = torch.triu(torch.full((t, t), MIN), diagonal=1)[None, None]  # _make_causal_mask: min above diagonal
    d = embed(dec, "decoder")
    for i in range(cfg["decoder_layers"]):
        p = f"model.decoder.layers.{i}."
        nh = cfg["decoder_attention_heads"]
        d = ln(d + bart_attention(W, p + "self_attn.", d, d, nh, causal, lora), p + "self_attn_layer_norm")
        d = ln(d + bart_attention(W, p + "encoder_attn.", d, h, nh, extended(mask), lora),
               p + "encoder_attn_layer_norm")
        d = ln(d + linear(W, p + "fc2", act(linear(W, p + "fc1", d, lora)), lora), p + "final_layer_norm")
    logits = d @ W["model.shared.weight"].T + W["final_logits_bias"]
    return logits, F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)


# ---------------------------------------------------------------- weights
def ln_params(W, name, c):
    W[name + ".weight"] = 1.0 + rand(c, std=0.1)
    W[name + ".bias"] = rand(c, std=0.1)


def lin_params(W, name, i, o, conv=False):
    W[name + ".weight"] = rand(i, o) if conv else rand(o, i)
    W[name + ".bias"] = rand(o, std=0.1)


def gpt2_weights(cfg):
    c, f, W = cfg["n_embd"], cfg["n_inner"], {}
    W["transformer.wte.weight"] = rand(cfg["vocab_size"], c)
    W["transformer.wpe.weight"] = rand(cfg["n_positions"], c)
    for i in range(cfg["n_layer"]):
        p = f"transformer.h.{i}."
        ln_params(W, p + "ln_1", c)
        lin_params(W, p + "attn.c_attn", c, 3 * c, conv=True)
        lin_params(W, p + "attn.c_proj", c, c, conv=True)
        ln_params(W, p + "ln_2", c)
        lin_params(W, p + "mlp.c_fc", c, f, conv=True)
        lin_params(W, p + "mlp.c_proj", f, c, conv=True)
    ln_params(W, "transformer.ln_f", c)
    return W


def bert_weights(cfg):
    c, f, p0, W = cfg["hidden_size"], cfg["intermediate_size"], cfg["model_type"] + ".", {}
    W[p0 + "embeddings.word_embeddings.weight"] = rand(cfg["vocab_size"], c)
    W[p0 + "embeddings.position_embeddings.weight"] = rand(cfg["max_position_embeddings"], c)
    W[p0 + "embeddings.token_type_embeddings.weight"] = rand(cfg["type_vocab_size"], c)
    ln_params(W, p0 + "embeddings.LayerNorm", c)
    for i in range(cfg["num_hidden_layers"]):
        p = f"{p0}encoder.layer.{i}."
        for n in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            lin_params(W, p + n, c, c)
        ln_params(W, p + "attention.output.LayerNorm", c)
        lin_params(W, p + "intermediate.dense", c, f)
        lin_params(W, p + "output.dense", f, c)
        ln_params(W, p + "output.LayerNorm", c)
    k = len(cfg["id2label"])
    if cfg["model_type"] == "roberta":
        lin_params(W, "classifier.dense", c, c)
        lin_params(W, "classifier.out_proj", c, k)
    else:
        lin_params(W, p0 + "pooler.dense", c, c)
        lin_params(W, "classifier", c, k)
    return W


def bart_weights(cfg):
    c, W = cfg["d_model"], {}
    W["model.shared.weight"] = rand(cfg["vocab_size"], c)
    for side in ("encoder", "decoder"):
        W[f"model.{side}.embed_positions.weight"] = rand(cfg["max_position_embeddings"] + 2, c)
        ln_params(W, f"model.{side}.layernorm_embedding", c)
        for i in range(cfg[side + "_layers"]):
            p = f"model.{side}.layers.{i}."
            attns = ("self_attn", "encoder_attn") if side == "decoder" else ("self_attn",)
            for a in attns:
                for n in ("k_proj", "v_proj", "q_proj", "out_proj"):
                    lin_params(W, p + a + "." + n, c, c)
                ln_params(W, p + a + "_layer_norm", c)
            lin_params(W, p + "fc1", c, cfg[side + "_ffn_dim"])
            lin_params(W, p + "fc2", cfg[side + "_ffn_dim"], c)
            ln_params(W, p + "final_layer_norm", c)
    W["final_logits_bias"] = rand(1, cfg["vocab_size"], std=0.1)
    return W


# ---------------------------------------------------------------- fixtures
def ids(rows):
    return torch.tensor(rows, dtype=torch.long)


FIXTURES = {
    "gpt2": dict(
        config={"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": 50, "n_positions": 12,
                "n_embd": 16, "n_layer": 2, "n_head": 2, "n_inner": 24, "activation_function": "gelu_new",
                "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0, "layer_norm_epsilon": 1e-05,
                "initializer_range": 0.02, "scale_attn_weights": True, "bos_token_id": 0, "eos_token_id": 0,
                "tie_word_embeddings": True, "torch_dtype": "float32"},
        weights=gpt2_weights, forward=gpt2, storage="F32", strip="transformer.", targets=["c_attn"],
        batch=lambda: {"input_ids": ids([[3, 17, 42, 8, 25, 11], [5, 9, 33, 48, 0, 0]]),
                       "attention_mask": ids([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]]),
                       "labels": ids([[3, 17, 42, 8, 25, 11], [5, 9, 33, 48, -100, -100]])}),
    "bert": dict(
        config={"architectures": ["BertForSequenceClassification"], "model_type": "bert", "vocab_size": 40,
                "hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 24,
                "hidden_act": "gelu", "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0,
                "max_position_embeddings": 12, "type_vocab_size": 2, "initializer_range": 0.02,
                "layer_norm_eps": 1e-12, "pad_token_id": 0, "position_embedding_type": "absolute",
                "classifier_dropout": None, "id2label": {"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"},
                "label2id": {"LABEL_0": 0, "LABEL_1": 1, "LABEL_2": 2}, "torch_dtype": "float16"},
        weights=bert_weights, forward=bert, storage="F16", strip=None, targets=["query", "value"],
        batch=lambda: {"input_ids": ids([[2, 17, 33, 8, 25, 3], [2, 9, 31, 3, 0, 0]]),
                       "attention_mask": ids([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]]),
                       "token_type_ids": ids([[0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 0, 0]]),
                       "labels": ids([[1], [2]])}),
    "roberta": dict(
        config={"architectures": ["RobertaForSequenceClassification"], "model_type": "roberta", "vocab_size": 40,
                "hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 20,
                "hidden_act": "gelu", "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0,
                "max_position_embeddings": 10, "type_vocab_size": 1, "initializer_range": 0.02,
                "layer_norm_eps": 1e-05, "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2,
                "position_embedding_type": "absolute", "classifier_dropout": None,
                "id2label": {"0": "NEGATIVE", "1": "POSITIVE"}, "label2id": {"NEGATIVE": 0, "POSITIVE": 1},
                "torch_dtype": "bfloat16"},
        weights=bert_weights, forward=bert, storage="BF16", strip=None, targets=["query", "value"],
        batch=lambda: {"input_ids": ids([[0, 17, 33, 8, 25, 2], [0, 9, 31, 2, 1, 1]]),
                       "attention_mask": ids([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]]),
                       "token_type_ids": ids([[0] * 6, [0] * 6]),
                       "labels": ids([[1], [0]])}),
    "bart": dict(
        config={"architectures": ["BartForConditionalGeneration"], "model_type": "bart", "vocab_size": 48,
                "max_position_embeddings": 16, "d_model": 16, "encoder_layers": 2, "decoder_layers": 2,
                "encoder_attention_heads": 2, "decoder_attention_heads": 4, "encoder_ffn_dim": 24,
                "decoder_ffn_dim": 20, "activation_function": "gelu", "dropout": 0.0, "attention_dropout": 0.0,
                "activation_dropout": 0.0, "classifier_dropout": 0.0, "encoder_layerdrop": 0.0,
                "decoder_layerdrop": 0.0, "init_std": 0.02, "scale_embedding": True, "pad_token_id": 1,
                "bos_token_id": 0, "eos_token_id": 2, "decoder_start_token_id": 2, "forced_eos_token_id": 2,
                "is_encoder_decoder": True, "tie_word_embeddings": True, "torch_dtype": "float32"},
        weights=bart_weights, forward=bart, storage="F32", strip=None, targets=["q_proj", "v_proj"],
        batch=lambda: {"input_ids": ids([[0, 17, 33, 8, 25, 2], [0, 9, 31, 2, 1, 1]]),
                       "attention_mask": ids([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]]),
                       "labels": ids([[0, 21, 7, 40, 2], [0, 11, 2, -100, -100]])}),
}


def make(name, spec, seed):
    torch.manual_seed(seed)
    cfg, out = spec["config"], os.path.join(HERE, name)
    os.makedirs(out, exist_ok=True)
    W = {k: stored(v, spec["storage"]) for k, v in spec["weights"](cfg).items()}
    batch = spec["batch"]()
    if name == "bart":
        batch["decoder_input_ids"] = shift_tokens_right(batch["labels"], cfg["pad_token_id"],
                                                        cfg["decoder_start_token_id"])
    file_w = {}
    for k, v in W.items():
        key = k[len(spec["strip"]):] if spec["strip"] and k.startswith(spec["strip"]) else k
        file_w[key] = v
    if name == "bart":
        file_w["lm_head.weight"] = W["model.shared.weight"]  # a tied copy, as some checkpoints hold
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")
    write_safetensors(os.path.join(out, "model.safetensors"), file_w, {k: spec["storage"] for k in file_w},
                      {"format": "pt"})
    with torch.no_grad():
        logits, loss = spec["forward"](W, cfg, batch, Lora([]))
    lora = Lora(spec["targets"])
    lora_loss = spec["forward"](W, cfg, batch, lora)[1]
    lora_loss.backward()
    exp = {k: v.to(torch.float64) for k, v in batch.items()}
    exp["logits"], exp["loss"], exp["lora_loss"] = logits, loss.reshape(1), lora_loss.detach().reshape(1)
    for site, (a, b) in lora.f.items():
        exp[f"lora.{site}.A0"], exp[f"lora.{site}.B0"] = a.detach(), b.detach()
        exp[f"lora.{site}.A1"], exp[f"lora.{site}.B1"] = (a - LR * a.grad).detach(), (b - LR * b.grad).detach()
    meta = {"rank": str(RANK), "alpha": str(ALPHA), "lr": str(LR), "optimizer": "sgd",
            "target_modules": ",".join(spec["targets"]), "sites": ",".join(lora.f.keys()),
            "torch": torch.__version__}
    write_safetensors(os.path.join(out, "expected.safetensors"), exp, None, meta)
    print(f"{name}: logits {tuple(logits.shape)} loss {loss.item():.6f} lora_loss {lora_loss.item():.6f} "
          f"sites {list(lora.f.keys())}")


if __name__ == "__main__":
    for n, (name, spec) in enumerate(FIXTURES.items()):
        make(name, spec, 1000 + n)
