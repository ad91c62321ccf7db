"""Content: load and validate 10,000 generated questions (``bot.packs.load_paths``).

The questions are spread over packs of 250 (a pack may be at most 256 KB), every kind
in turn (single, multiple, true/false, order), with criteria, option feedback and
misconceptions pointing at myths, so every cross-field check has work to do. The
headline is the first load in the process (as at start-up); the median of the next
runs is shown too.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import yaml

from benchmarks.common import child_main, say, scratch_dir

PER_PACK = 250


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):  # packs may not use anchors or aliases
        return True


def _question(p: int, i: int) -> dict:
    qid = f"bp{p}-q{i}"
    crit = [f"AC{1 + i % 5}"]
    base = {
        "id": qid,
        "prompt": f"Question {i} of pack {p}: a customer is unhappy about a late order. "
        "What is the best thing to do next?",
        "explanation": "Listening first shows the customer they are heard and tells you what they need.",
        "criteria": crit,
        "difficulty": 1 + i % 3,
    }
    kind = ("single", "multiple", "true_false", "order")[i % 4]
    if kind == "single":
        return {
            **base,
            "kind": kind,
            "options": [
                "Quote the policy",
                "Listen without interrupting",
                "Offer a refund at once",
                "Transfer the call",
            ],
            "answer": 1,
            "option_feedback": {
                0: "Policy first makes the customer feel unheard.",
                2: "A refund before listening may fix the wrong problem.",
                3: "Passing the customer on before listening adds to the frustration.",
            },
            "misconceptions": {2: f"bp{p}-m0"},
        }
    if kind == "multiple":
        return {
            **base,
            "kind": kind,
            "options": ["A calm, steady tone", "Open posture", "Telling them to calm down", "Sighing loudly"],
            "answer": [0, 1],
            "option_feedback": {
                2: "Being told to calm down usually makes people angrier.",
                3: "Sighing signals impatience.",
            },
            "misconceptions": {2: f"bp{p}-m1"},
        }
    if kind == "true_false":
        return {
            **base,
            "kind": kind,
            "prompt": f"Statement {i}: promise whatever ends the conversation.",
            "answer": False,
            "wrong_feedback": "A promise you cannot keep turns one complaint into two.",
            "misconception": f"bp{p}-m2",
        }
    return {
        **base,
        "kind": kind,
        "prompt": f"Question {i}: put the steps of HEAT in order.",
        "steps": ["Hear", "Empathise", "Apologise", "Take action"],
        "wrong_feedback": "Acting before hearing and empathising skips what calms the customer.",
    }


def _pack(p: int, count: int) -> dict:
    return {
        "pack": f"bench-pack-{p}",
        "title": f"Benchmark pack {p}",
        "awarding_body": "Benchmark Awards",
        "qualification": "Benchmark Level 2 Certificate in Customer Service",
        "criteria": [
            {"id": f"AC{k}", "text": f"Assessment criterion {k}: handles a difficult customer well."}
            for k in range(1, 6)
        ],
        "terms": [{"term": "HEAT", "definition": "Hear, Empathise, Apologise, Take action."}],
        "questions": [_question(p, i) for i in range(count)],
        "myths": [
            {
                "id": f"bp{p}-m{k}",
                "statement": f"Myth {k}: the fastest fix is always the best service.",
                "verdict": "myth",
                "correction": "The best service fixes the right problem.",
                "explanation": "Customers judge how they were treated as much as the outcome.",
                "criteria": ["AC1"],
            }
            for k in range(3)
        ],
    }


def write_packs(folder: Path, questions: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for p, lo in enumerate(range(0, questions, PER_PACK)):
        path = folder / f"bench-pack-{p:03d}.yaml"
        path.write_text(
            yaml.dump(
                _pack(p, min(PER_PACK, questions - lo)),
                Dumper=_NoAliases,
                sort_keys=False,
                allow_unicode=True,
                width=200,
            ),
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def run(argv: list[str]) -> dict:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.content")
    ap.add_argument("--questions", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    from bot.packs import load_paths

    with scratch_dir("content") as tmp:
        folder = Path(tmp) / "packs"
        paths = write_packs(folder, args.questions)
        size_kb = max(p.stat().st_size for p in paths) // 1024
        times = []
        for _ in range(1 + args.repeat):
            t = time.perf_counter()
            results = load_paths([folder])
            times.append(time.perf_counter() - t)
            errors = [str(e) for r in results for e in r.errors]
            loaded = sum(len(r.pack.questions) for r in results if r.pack)
            if errors or loaded != args.questions:
                raise SystemExit(f"generated packs did not load cleanly: {loaded} questions, {errors[:5]}")
    result = {
        "questions": args.questions,
        "packs": len(paths),
        "largest_pack_kb": size_kb,
        "first_load_s": round(times[0], 3),
        "median_next_s": round(statistics.median(times[1:]), 3) if len(times) > 1 else None,
    }
    say(f"content: {result}")
    return result


if __name__ == "__main__":
    child_main(run)
