#!/usr/bin/python3
"""Golden fixtures for cola4j's Hugging Face loader (cola4j.models.hf), written with Debian's python3-torch only.

transformers is not used (it is not installed here): each family is a small, independent float64 re-implementation
of transformers' modeling code (modeling_gpt2.py GPT2LMHeadModel, modeling_bert.py BertForSequenceClassification,
modeling_roberta.py RobertaForSequenceClassification, modeling_bart.py BartForConditionalGeneration), reading the
weights by their real tensor names from a directory laid out as transformers saves it (config.json with the real
keys + model.safetensors); the re-implementations are in hf_reference.py. For each family it writes, next to
config.json and model.safetensors:

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
import os
import struct
import sys

import torch

sys.dont_write_bytecode = True  # no __pycache__ among the test resources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hf_reference import ALPHA, RANK, Lora, bart, bert, gpt2, rand, shift_tokens_right  # noqa: E402

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
LR = 0.1


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
