#!/usr/bin/python3
"""Full-size layout checks of the loader (not run by the build: each writes about 0.5 GB).

Usage: /usr/bin/python3 make_full_size.py gpt2|roberta|bart OUT

Writes OUT/<family>/ with the config.json keys of the hub's gpt2, roberta-base (with a 2-label classification head)
or facebook/bart-base and their tensor names and shapes (gpt2 prefix-less with Conv1D [in, out]; F32), filled with
seeded random values (std 0.02 for gpt2, make_fixtures' draws otherwise), OUT/<family>.json (a padded batch of two
rows) and OUT/<family>-ref.safetensors (the float64 logits of hf_reference for that batch). Then compare with
  ./cola forward --model hf:OUT/<family> --input OUT/<family>.json --out OUT/<family>-out.safetensors --dtype float64
"""
import json
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
from hf_reference import Lora, bart, bert, gpt2, shift_tokens_right  # noqa: E402
from make_fixtures import bart_weights, bert_weights, write_safetensors  # noqa: E402

GPT2 = {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1,
        "bos_token_id": 50256, "embd_pdrop": 0.1, "eos_token_id": 50256, "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024, "n_embd": 768, "n_head": 12,
        "n_layer": 12, "n_positions": 1024, "resid_pdrop": 0.1, "vocab_size": 50257}
ROBERTA = {"architectures": ["RobertaForSequenceClassification"], "attention_probs_dropout_prob": 0.1,
           "bos_token_id": 0, "eos_token_id": 2, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
           "hidden_size": 768, "initializer_range": 0.02, "intermediate_size": 3072, "layer_norm_eps": 1e-05,
           "max_position_embeddings": 514, "model_type": "roberta", "num_attention_heads": 12,
           "num_hidden_layers": 12, "pad_token_id": 1, "type_vocab_size": 1, "vocab_size": 50265,
           "id2label": {"0": "LABEL_0", "1": "LABEL_1"}}
BART = {"activation_dropout": 0.1, "activation_function": "gelu", "architectures": ["BartModel"],
        "attention_dropout": 0.1, "d_model": 768, "decoder_attention_heads": 12, "decoder_ffn_dim": 3072,
        "decoder_layerdrop": 0.0, "decoder_layers": 6, "decoder_start_token_id": 2, "dropout": 0.1,
        "encoder_attention_heads": 12, "encoder_ffn_dim": 3072, "encoder_layerdrop": 0.0, "encoder_layers": 6,
        "init_std": 0.02, "max_position_embeddings": 1024, "model_type": "bart", "pad_token_id": 1,
        "scale_embedding": False, "vocab_size": 50265}


def r(*s, std=0.02):
    return torch.randn(*s, dtype=torch.float32).to(torch.float64) * std


def gpt2_weights(c=768):
    w = {"transformer.wte.weight": r(50257, c), "transformer.wpe.weight": r(1024, c, std=0.01)}
    for i in range(12):
        p = f"transformer.h.{i}."
        for ln in ("ln_1", "ln_2"):
            w[p + ln + ".weight"], w[p + ln + ".bias"] = 1 + r(c, std=0.1), r(c)
        for n, i_, o in (("attn.c_attn", c, 3 * c), ("attn.c_proj", c, c), ("mlp.c_fc", c, 4 * c),
                         ("mlp.c_proj", 4 * c, c)):
            w[p + n + ".weight"], w[p + n + ".bias"] = r(i_, o), r(o)
    w["transformer.ln_f.weight"], w["transformer.ln_f.bias"] = 1 + r(c, std=0.1), r(c)
    return w


def main(family, out):
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(5)
    ids = torch.tensor([[0, 2068, 7586, 21831, 18045, 625, 262, 2], [0, 11, 616, 3290, 2, 1, 1, 1]])
    mask = torch.tensor([[1] * 8, [1] * 5 + [0] * 3])
    batch = {"input_ids": ids, "attention_mask": mask, "labels": ids.masked_fill(mask == 0, -100)}
    if family == "gpt2":
        cfg, w, fwd, strip = GPT2, gpt2_weights(), gpt2, "transformer."
    elif family == "roberta":
        cfg, w, fwd, strip = ROBERTA, bert_weights(ROBERTA), bert, None
        batch["token_type_ids"], batch["labels"] = torch.zeros_like(ids), torch.tensor([[1], [0]])
    else:
        cfg, w, fwd, strip = BART, bart_weights(BART), bart, "model."
        batch["decoder_input_ids"] = shift_tokens_right(ids, 1, 2)
    w = {k: v.to(torch.float32).to(torch.float64) for k, v in w.items()}
    d = os.path.join(out, family)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    file_w = {(k[len(strip):] if strip and k.startswith(strip) else k): v for k, v in w.items()}
    write_safetensors(os.path.join(d, "model.safetensors"), file_w, {k: "F32" for k in file_w})
    inputs = {k: v.tolist() for k, v in batch.items() if k != "labels"}
    with open(os.path.join(out, family + ".json"), "w") as f:
        json.dump(inputs, f)
    t = time.time()
    with torch.no_grad():
        logits, _ = fwd(w, cfg, batch, Lora([]))
    write_safetensors(os.path.join(out, family + "-ref.safetensors"), {"logits": logits})
    print(f"{family}: {len(file_w)} tensors, reference float64 logits {tuple(logits.shape)} in {time.time() - t:.1f}s")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
