#!/usr/bin/env python3
"""Writes clip-tokenizer-edge-cases.jsonl: corner cases of the CLIP text pipeline, produced by OpenAI CLIP's
SimpleTokenizer (clip/simple_tokenizer.py, MIT licence, copied below unchanged except that ftfy.fix_text is
replaced by Unicode NFC, exactly as ../../../../../shared/reference/README.md describes for the shared cases).

Run from this folder with a Python 3.11 that has the `regex` package (OpenAI's tokenizer imports it as `re`):
    python3 make_clip_edge_cases.py ../../../../../shared/data/clip/bpe_simple_vocab_16e6.txt.gz
Python 3.11.7 / regex 2026.5.9 / Unicode 14.0 produced the committed file. Cases stay within characters whose Unicode
data did not change up to .NET 10's tables, so the C# port can match them exactly.

Each line: {"kind": ..., "text": ..., "bpe_ids": [...], "tokens_77": [...], "decoded": ...} for kind "text";
{"kind": "unescape", "text": ..., "unescaped": ...} checks Python's html.unescape alone;
{"kind": "decode", "ids": [...], "decoded": ...} checks SimpleTokenizer.decode on id lists that split UTF-8.
"""
import functools
import gzip
import html
import json
import random
import sys
import unicodedata

import regex as re


@functools.lru_cache()
def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(2**8):
        if b not in bs:
            bs.append(b)
            cs.append(2**8 + n)
            n += 1
    cs = [chr(n) for n in cs]
    return dict(zip(bs, cs))


def get_pairs(word):
    pairs = set()
    prev_char = word[0]
    for char in word[1:]:
        pairs.add((prev_char, char))
        prev_char = char
    return pairs


def basic_clean(text):
    text = unicodedata.normalize("NFC", text)  # ftfy.fix_text(text) in the original
    text = html.unescape(html.unescape(text))
    return text.strip()


def whitespace_clean(text):
    text = re.sub(r'\s+', ' ', text)
    text = text.strip()
    return text


class SimpleTokenizer(object):
    def __init__(self, bpe_path):
        self.byte_encoder = bytes_to_unicode()
        self.byte_decoder = {v: k for k, v in self.byte_encoder.items()}
        merges = gzip.open(bpe_path).read().decode("utf-8").split('\n')
        merges = merges[1:49152-256-2+1]
        merges = [tuple(merge.split()) for merge in merges]
        vocab = list(bytes_to_unicode().values())
        vocab = vocab + [v+'</w>' for v in vocab]
        for merge in merges:
            vocab.append(''.join(merge))
        vocab.extend(['<|startoftext|>', '<|endoftext|>'])
        self.encoder = dict(zip(vocab, range(len(vocab))))
        self.decoder = {v: k for k, v in self.encoder.items()}
        self.bpe_ranks = dict(zip(merges, range(len(merges))))
        self.cache = {'<|startoftext|>': '<|startoftext|>', '<|endoftext|>': '<|endoftext|>'}
        self.pat = re.compile(r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""", re.IGNORECASE)

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + ( token[-1] + '</w>',)
        pairs = get_pairs(word)

        if not pairs:
            return token+'</w>'

        while True:
            bigram = min(pairs, key = lambda pair: self.bpe_ranks.get(pair, float('inf')))
            if bigram not in self.bpe_ranks:
                break
            first, second = bigram
            new_word = []
            i = 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                    new_word.extend(word[i:j])
                    i = j
                except:
                    new_word.extend(word[i:])
                    break

                if word[i] == first and i < len(word)-1 and word[i+1] == second:
                    new_word.append(first+second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            new_word = tuple(new_word)
            word = new_word
            if len(word) == 1:
                break
            else:
                pairs = get_pairs(word)
        word = ' '.join(word)
        self.cache[token] = word
        return word

    def encode(self, text):
        bpe_tokens = []
        text = whitespace_clean(basic_clean(text)).lower()
        for token in re.findall(self.pat, text):
            token = ''.join(self.byte_encoder[b] for b in token.encode('utf-8'))
            bpe_tokens.extend(self.encoder[bpe_token] for bpe_token in self.bpe(token).split(' '))
        return bpe_tokens

    def decode(self, tokens):
        text = ''.join([self.decoder[token] for token in tokens])
        text = bytearray([self.byte_decoder[c] for c in text]).decode('utf-8', errors="replace").replace('</w>', ' ')
        return text


def tokenize_row(tok, text, context_length=77):
    """open_clip.tokenize for one text: [sot] + ids + [eot], truncated keeping eot last, padded with 0."""
    sot, eot = tok.encoder['<|startoftext|>'], tok.encoder['<|endoftext|>']
    tokens = [sot] + tok.encode(text) + [eot]
    if len(tokens) > context_length:
        tokens = tokens[:context_length]
        tokens[-1] = eot
    return tokens + [0] * (context_length - len(tokens))


TEXTS = [
    # Python str.lower(): final sigma (Final_Sigma context, Cased / Case_Ignorable) and İ's full mapping.
    "ΟΔΟΣ ΟΔΟΣ. Σ", "ΣΑΣ", "ΣΣΣ", "ΑΣ'Σ", "aΣ\u0301", "aΣ.b", "aΣ'", "ⒶΣ", "ªΣ", "ΑΣ\u00adΣ", "Σ", "İstanbul", "İ",
    "ǅungla Ǆ", "ẞ straße", "ΑΣ1", "ΑΣ-", "x\u02b0Σ", "\u02b0Σ", "Ⅻ Ⅻ", "ΩΜΕΓΑ Ω Å",
    # regex module IGNORECASE quirks: long s matches 's', U+0345 matches no alternative.
    "it'ſ a dog", "<|ſtartoftext|>", "<|STARTOFTEXT|> x <|EndOfText|>", "a!<|startoftext|>b", "<|startoftext|>",
    "<|endoftext|><|endoftext|>", "x<|endoftext|>y", "a\u0345b", "\u0345", "!\u0345!", "α\u0345", "Α\u0345", "ſ ſs",
    # whitespace: Python strip() also strips U+001C..U+001F, regex \s does not match them.
    "\x1cabc\x1c d\x1fe", "\u00a0x\u3000y\u2028z\u2029w\u0085v\u000bq\u000cr", "\u200b", "a\u200bb", "\u180e",
    "\t\n ", "\x1c", "\x1c\x1d\x1e\x1f", "a\x1c b", " \x1c a \x1f ", "a\u2007b\u202fc\u205fd\u1680e",
    # html.unescape, applied twice.
    "&amp", "&amp;lt;", "&amp;amp;amp;", "&#0; &#x110000; &#128; &#xD800; &notit; &notin", "&AMP &lt &LT;",
    "&#65;&#x41;&#X41", "&#65", "&#;", "&#x;", "&#xZZ", "&", "&&", "& amp;", "&nbsp;x&nbsp;",
    "&NotNestedGreaterGreater;", "&nonexistententity;", "&Aacute&aacute", "&#99999999999999999999;", "&#x0001F600;",
    "&#13;", "&#1;a", "&#x7f;", "&#xFDD0;", "&#xFFFE;&#x10FFFF;&#x1FFFF;", "&#150;", "&#x80;", "&amp;#65;", "&ampamp;",
    "&lt;&lt;", "&" + "a" * 40, "&amp" + "x" * 40 + ";", "&😀amp;", "&amp😀", "&Eacute;cole", "&fjlig;", "&nbsp",
    "&amp;nbsp;", "&#x26;lt;", "&#38;#38;", "&lt;b&gt;", "AT&T", "a&b;c", "&notin;&notinva;", "&ThickSpace;x",
    "&#9;a&#10;b", "&#x20;&#x20;x", "&bne;", "&NewLine;a", "&Tab;b", "&amp\r;", "&ouml&#246;",
    # numbers, punctuation, scripts, marks.
    "½ ² ³ ⅷ ٣", "1,000.50", "١٢٣", "3rd 21st 100%", "नमस्ते दुनिया", "สวัสดีครับ", "안녕하세요", "שָׁלוֹם", "مرحبا بالعالم",
    "e\u0301cole", "A\u030a \u212b \u2126", "ﬁ ﬂ", "👩\u200d👩\u200d👧 👍🏽", "🇫🇷🇩🇪", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛",
    "Ꭰ ꭰ", "Ａｂｃ １２３", "ǰ", "ŉ", "ΐ",
    # contractions and quotes.
    "''s", "'s's", "don't", "I'M", "'LL", "rock'n'roll", "\u2019s", "y'all", "'", "'d've", "o'clock's",
    # odd tokens, controls, long words.
    "</w>", "a</w>b", "\\n", "tab\there", "\x00", "\x07bell", "\x7f", "\ud7ff\ue000\uf8ff",
    "pneumonoultramicroscopicsilicovolcanoconiosis", "supercalifragilisticexpialidocious " * 3,
    "1234567890" * 10, " ".join(f"w{i}" for i in range(120)),
]


def random_texts(seed, count):
    """Mixed-script strings from a fixed seed: letters, digits, marks, symbols, spaces, entities, upper case."""
    pools = [
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789", " \t\n\u00a0\u3000\x1c",
        ".,;:!?'\"()[]{}<>|/\\-_+=*&^%$#@~`", "äöüßÄÖÜéèêçñÑ", "ΑΒΓΔΣσςαβγ", "日本語中文字", "кириллица",
        "\u0301\u0308\u0345\u200b\u200d", "😀🎉👍🏽", "½²٣ⅷ", "ſİ",
    ]
    entities = ["&amp;", "&lt;", "&gt;", "&nbsp;", "&amp", "&#65;", "&#x263A;", "&quot;", "&apos;", "&Sigma;"]
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 24)):
            if rng.random() < 0.08:
                parts.append(rng.choice(entities))
            else:
                parts.append(rng.choice(rng.choice(pools)))
        out.append("".join(parts))
    return out


def main():
    bpe_path = sys.argv[1] if len(sys.argv) > 1 else "../../../../../shared/data/clip/bpe_simple_vocab_16e6.txt.gz"
    tok = SimpleTokenizer(bpe_path)
    lines = []
    for kind, texts in (("text", TEXTS), ("random", random_texts(20240607, 150))):
        for text in texts:
            ids = tok.encode(text)
            lines.append({"kind": kind, "text": text, "bpe_ids": ids, "tokens_77": tokenize_row(tok, text),
                          "decoded": tok.decode(ids)})
    for text in TEXTS[:110]:
        if "&" in text:
            lines.append({"kind": "unescape", "text": text, "unescaped": html.unescape(text)})
    byte_ids = [tok.encoder[c] for c in (tok.byte_encoder[b] for b in "日本".encode("utf-8"))]
    for ids in (byte_ids[:1], byte_ids[:2], byte_ids[1:], byte_ids[:2] + [tok.encoder["a</w>"]], byte_ids[2:4],
                [tok.encoder[tok.byte_encoder[0xFF]]], [tok.encoder[tok.byte_encoder[0xC0]], tok.encoder[tok.byte_encoder[0x80]]],
                [49406, 320, 1125, 49407, 0, 0]):
        lines.append({"kind": "decode", "ids": ids, "decoded": tok.decode(ids)})
    with open("clip-tokenizer-edge-cases.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=True) + "\n")
    print(f"wrote {len(lines)} cases")


if __name__ == "__main__":
    main()
