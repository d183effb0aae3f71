"""Errata of the blog articles keras_vae corrects: structured entries, many readers.

The entries live as data, one TOML file per article in `keras_vae/errata/data/`, read once
at import. The numbered tutorials, the pages `docs/errata.md` (English) and
`docs/errata.zh-CN.md` (Chinese) and `tests/test_errata.py` all read `ERRATA`. Each entry
is an `Erratum`:

- `id`: unique, lowercase, `<article number>-<section number>-<short-name>`, e.g.
  `"002-4.3-kl-outside-tape"`. Its test in `tests/test_errata.py` is `test_<id>` with `-`
  and `.` replaced by `_` (`test_002_4_3_kl_outside_tape`); every entry has exactly one.
- `article`: the seed file name of the article (`"002_99374ef0cbdf6e3a.txt"`), the data
  file's `article` key.
- `section`: the article's own section heading, verbatim (Chinese), without the leading
  `#`s, so readers can find the place. The section number in `id` is the heading's number
  without a trailing dot (heading `"4. 具体最佳实践：..."` gives `001-4-...`).
- `kind`: `"crash"` (the code raises), `"silent"` (it runs, or only warns, but computes the
  wrong thing) or `"text"` (a wrong statement or formula in the prose).
- `defect`, `tensorflow`, `why`, `fix`: what is wrong (in our own words; no article text is
  quoted), what TensorFlow 2.21 / Keras 3.15 actually does with a minimal reproduction (as
  observed by running it; the test re-runs it), why, and how keras_vae does it instead.
- `zh`: the same four fields in Chinese (an `ErratumText`, from the entry's `[erratum.zh]`
  table), written for the articles' readers; API names stay in English.
- `tutorials`: the numbered tutorials that show the defect and its fix: `"01"` is the dense
  autoencoder (article 004 §4.1), `"02"` the dense VAE (articles 000, 002, 004 §4.2), `"03"`
  the LSTM forecaster (article 000 §4.2), `"04"` the LSTM autoencoder for anomaly detection,
  `"05"` the LSTM VAE (articles 001 and 003 §4.2), `"06"` the sequence GAN (article 003
  §4.1) and `"07"` the evaluation of generative models (no code of its own: it measures
  the evaluation claims of articles 002 §3.3-3.4 and 004 §4.1).

To add an entry, append an `[[erratum]]` table to the article's data file and a `test_<id>`
to `tests/test_errata.py`, then regenerate both pages:

    python -m keras_vae.errata > docs/errata.md
    python -m keras_vae.errata --language zh-CN > docs/errata.zh-CN.md

This package imports only the standard library (no TensorFlow, no Keras); the tests do the
running.
"""

from __future__ import annotations

import dataclasses
import sys
from importlib import resources

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

KINDS = ("crash", "silent", "text")
FIELDS = ("defect", "tensorflow", "why", "fix")
LANGUAGES = ("en", "zh-CN")

TUTORIALS = {
    "01": "dense autoencoder",
    "02": "dense VAE",
    "03": "LSTM forecaster",
    "04": "LSTM autoencoder for anomaly detection",
    "05": "LSTM VAE",
    "06": "sequence GAN",
    "07": "evaluating generative models",
}


@dataclasses.dataclass(frozen=True)
class ErratumText:
    """The four prose fields of an entry in one language."""

    defect: str
    tensorflow: str
    why: str
    fix: str


@dataclasses.dataclass(frozen=True)
class Erratum:
    """One defect of one article section; see the module docstring for the fields."""

    id: str
    article: str
    section: str
    kind: str
    defect: str
    tensorflow: str
    why: str
    fix: str
    tutorials: tuple[str, ...]
    zh: ErratumText | None = None

    @property
    def test_name(self) -> str:
        """Name of this entry's test function in `tests/test_errata.py`."""
        return "test_" + self.id.replace("-", "_").replace(".", "_")

    def text(self, language: str = "en") -> ErratumText:
        """The prose fields in `language` ("en" or "zh-CN")."""
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, received {language!r}")
        if language == "en":
            return ErratumText(self.defect, self.tensorflow, self.why, self.fix)
        if self.zh is None:
            raise ValueError(f"erratum {self.id!r} has no Chinese text ([erratum.zh] table)")
        return self.zh


def _load():
    """Reads every data file, in file-name (article) order, keeping each file's entry order."""
    articles, articles_zh, entries = {}, {}, []
    files = sorted(
        (f for f in resources.files(__name__).joinpath("data").iterdir() if f.name.endswith(".toml")),
        key=lambda f: f.name,
    )
    for file in files:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        article = data["article"]
        articles[article] = data["about"]
        articles_zh[article] = data.get("about_zh", "")
        for table in data.get("erratum", ()):
            zh = table.get("zh")
            entries.append(
                Erratum(
                    id=table["id"],
                    article=article,
                    section=table["section"],
                    kind=table["kind"],
                    tutorials=tuple(table["tutorials"]),
                    zh=None if zh is None else ErratumText(**{f: zh[f] for f in FIELDS}),
                    **{f: table[f] for f in FIELDS},
                )
            )
    return articles, articles_zh, tuple(entries)


ARTICLES, ARTICLES_ZH, ERRATA = _load()


def for_article(article_prefix: str, section_prefix: str | None = None) -> tuple[Erratum, ...]:
    """Entries whose article starts with `article_prefix` (e.g. "002") and, if given,
    whose section starts with `section_prefix` (e.g. "4.3")."""
    return tuple(
        e
        for e in ERRATA
        if e.article.startswith(article_prefix)
        and (section_prefix is None or e.section.startswith(section_prefix))
    )


def for_tutorial(number: str) -> tuple[Erratum, ...]:
    """Entries shown in the numbered tutorial `number` ("01" ... "07"; an int is padded)."""
    number = f"{int(number):02d}" if isinstance(number, int) else str(number)
    return tuple(e for e in ERRATA if number in e.tutorials)


_REFERENCES = (
    "Kingma & Welling, *Auto-Encoding Variational Bayes*, ICLR 2014, "
    "https://arxiv.org/abs/1312.6114 (Eq. 1: log p(x) = ELBO + KL(q(z|x) || p(z|x)); "
    "Eq. 3: the ELBO; §2.4: reparameterisation; Appendix B: closed-form Gaussian KL); "
    "Goodfellow et al., *Generative Adversarial Nets*, NeurIPS 2014, "
    "https://arxiv.org/abs/1406.2661 (Algorithm 1); Bowman et al., *Generating "
    "Sentences from a Continuous Space*, CoNLL 2016, https://arxiv.org/abs/1511.06349 "
    "(LSTM VAE, KL annealing); Bengio, Simard & Frasconi, *Learning Long-Term "
    "Dependencies with Gradient Descent is Difficult*, IEEE Trans. Neural Networks "
    "5(2), 1994."
)

# Everything a page says around the entries, per language.
_PAGE = {
    "en": {
        "title": "Errata of the blog articles",
        "command": "python -m keras_vae.errata > docs/errata.md",
        "intro": (
            "Every defect we found in the code and maths of the VAE, recurrent and GAN "
            "sections of five blog articles, with what TensorFlow 2.21 / Keras 3.15 actually "
            "does when a minimal reproduction is run, why, and where keras_vae does it right. "
            "Each entry has a test in `tests/test_errata.py` (`test_<id>`, with `-` and `.` as "
            "`_`) that reproduces the defect and, where the corrected code exists, checks it."
        ),
        "kinds": (
            "Kinds: **crash** (the code raises), **silent** (it runs, or only warns, but "
            "computes the wrong thing), **text** (a wrong statement or formula). Tutorials: "
            + ", ".join(f"`{k}` {v}" for k, v in TUTORIALS.items())
            + ". Sections are the articles' own headings."
        ),
        "references": "References: " + _REFERENCES,
        "count": "{n} entries: {counts}.",
        "kind_names": {kind: kind for kind in KINDS},
        "labels": ("Defect", "What TensorFlow does", "Why", "Fix"),
        "tutorials_label": "Tutorials",
        "test_label": "test",
        "separator": ", ",
        "colon": ":",
        "semicolon": "; ",
        "inline_colon": ": ",
        "parentheses": (" (", ")"),
        "other": "Chinese: [errata.zh-CN.md](errata.zh-CN.md)",
    },
    "zh-CN": {
        "title": "博客文章勘误表",
        "command": "python -m keras_vae.errata --language zh-CN > docs/errata.zh-CN.md",
        "intro": (
            "这里列出我们在五篇博客文章的 VAE、循环网络和 GAN 部分中找到的每一处代码和数学错误。"
            "每一条都说明：错在哪里；用一个最小的复现在 TensorFlow 2.21 / Keras 3.15 上运行时"
            "实际发生了什么；为什么；以及 keras_vae 里正确的做法。每一条在 `tests/test_errata.py` "
            "中都有一个测试（函数名为 `test_<id>`，其中 `-` 和 `.` 换成 `_`），它复现这个错误，"
            "并在有对应的正确实现时检查该实现。"
        ),
        "kinds": (
            "类型：**崩溃**（代码抛出异常）、**静默**（代码能运行或只给出警告，但算出的结果是错的）、"
            "**文字**（正文中错误的说法或公式）。教程："
            + "、".join(
                f"`{k}` {v}"
                for k, v in {
                    "01": "全连接自编码器",
                    "02": "全连接 VAE",
                    "03": "LSTM 预测模型",
                    "04": "用 LSTM 自编码器做异常检测",
                    "05": "LSTM VAE",
                    "06": "序列 GAN",
                    "07": "生成模型的评估",
                }.items()
            )
            + "。小节标题与原文完全一致，便于对照查找。"
        ),
        "references": "参考文献：" + _REFERENCES,
        "count": "共 {n} 条：{counts}。",
        "kind_names": {"crash": "崩溃", "silent": "静默", "text": "文字"},
        "labels": ("错误", "TensorFlow 的实际行为", "原因", "修正"),
        "tutorials_label": "教程",
        "test_label": "测试",
        "separator": "，",
        "colon": "：",
        "semicolon": "；",
        "inline_colon": "：",
        "parentheses": ("（", "）"),
        "other": "English: [errata.md](errata.md)",
    },
}


def _kind_counts(entries, language: str = "en") -> str:
    page = _PAGE[language]
    counts = {kind: sum(e.kind == kind for e in entries) for kind in KINDS}
    return page["separator"].join(f"{n} {page['kind_names'][kind]}" for kind, n in counts.items() if n)


def to_markdown(entries=ERRATA, language: str = "en", page_header: bool = True, level: int = 2) -> str:
    """Renders entries as Markdown in `language` ("en" or "zh-CN"), grouped by article,
    then section (in first-seen order).

    `page_header=False` leaves out the page's title, introduction and references (for a
    few entries inside another page); `level` is the heading level of an article (2:
    `##`); sections and entries go one and two levels deeper.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, received {language!r}")
    if level not in (1, 2, 3, 4):
        raise ValueError(f"level must be 1, 2, 3 or 4, received {level!r}")
    entries = tuple(entries)
    page = _PAGE[language]
    lines = [] if not page_header else [
        f"# {page['title']}",
        "",
        f"<!-- Generated by `{page['command']}`; edit keras_vae/errata/data/*.toml instead. -->",
        "",
        page["intro"],
        "",
        page["kinds"],
        "",
        page["references"],
        "",
        page["count"].format(n=len(entries), counts=_kind_counts(entries, language)),
        "",
        page["other"],
    ]
    articles: dict[str, dict[str, list[Erratum]]] = {}
    for e in entries:
        articles.setdefault(e.article, {}).setdefault(e.section, []).append(e)
    about_of = ARTICLES if language == "en" else ARTICLES_ZH
    for article, sections in articles.items():
        about = about_of.get(article)
        lines += ["", "#" * level + f" `{article}`" + (f": {about}" if about else "")]
        for section, items in sections.items():
            lines += ["", "#" * (level + 1) + f" §{section}"]
            for e in items:
                text = e.text(language)
                left, right = page["parentheses"]
                colon = page["colon"]
                lines += ["", "#" * (level + 2) + f" `{e.id}`{left}{page['kind_names'][e.kind]}{right}", ""]
                lines += [f"- **{label}{colon}** {getattr(text, f)}" for label, f in zip(page["labels"], FIELDS)]
                lines.append(
                    f"- **{page['tutorials_label']}{colon}** {', '.join(e.tutorials)}{page['semicolon']}"
                    f"{page['test_label']}{page['inline_colon']}`{e.test_name}`"
                )
    return "\n".join(lines).lstrip("\n") + "\n"


def show(entries, language: str = "en") -> None:
    """Shows entries inside a tutorial: as a Markdown cell output in a notebook, as
    printed Markdown in a script (headings start at `###`, below the tutorial's own)."""
    text = to_markdown(entries, language, page_header=False, level=3)
    shell = sys.modules.get("IPython")
    shell = shell.get_ipython() if shell is not None else None
    if shell is not None and getattr(shell, "kernel", None) is not None:
        from IPython.display import Markdown, display

        display(Markdown(text))
    else:
        print(text)


def main(argv=None) -> int:
    """Writes the Markdown errata to standard output (`--language zh-CN` for Chinese)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m keras_vae.errata", description=main.__doc__)
    parser.add_argument("--language", choices=LANGUAGES, default="en")
    args = parser.parse_args(argv)
    sys.stdout.write(to_markdown(ERRATA, args.language))
    return 0
