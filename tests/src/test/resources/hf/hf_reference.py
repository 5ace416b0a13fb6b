"""Float64 torch re-implementations of transformers' GPT2LMHeadModel, Bert/RobertaForSequenceClassification and
BartForConditionalGeneration forward passes (with optional LoRA on named modules), for make_fixtures.py.

Written from transformers' modeling_gpt2.py, modeling_bert.py, modeling_roberta.py and modeling_bart.py; independent
of cola4j. Each family function takes W (tensor name -> float64 tensor, the full-class names), the config dict (real
config.json keys), the batch dict (transformers' argument names) and a Lora, and returns (logits, loss).
"""
import math

import torch
import torch.nn.functional as F

MIN = torch.finfo(torch.float64).min
RANK, ALPHA = 2, 4.0
SCALE = ALPHA / RANK


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
