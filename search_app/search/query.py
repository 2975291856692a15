"""What a user typed into the one search box, taken apart.

One box serves three kinds of need: a standard number in any spelling (`gb3838`,
`GB/T 28181—2016`, `ｈｊ２１２`), title words (`地表水 质量标准`) and a question in plain
Chinese (`厂界噪声 夜间 测量多少分贝`). `parse_query` separates what the search must treat
differently: filters (`status:现行 level:地方 region:广东 ics:13.060 year:2015-2020
kind:强制性`), quoted phrases, `-word` exclusions, standard numbers, and the remaining
words, with question words and punctuation removed.

It is pure and total: any string gives either a `ParsedQuery` or a `QueryError` whose
message a user can act on, so the web page and the command line never show a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analyzers.adopted import org_of, parse_designation
from analyzers.normalize import fold_dashes, fold_width
from analyzers.regions import PROVINCES
from analyzers.stdno import normalize_query_number, parse_std_no, parse_typed_std_no
from indexer.library.review import normalize_age

MAX_QUERY_CHARS = 500


class QueryError(ValueError):
    """A query we cannot run, with a message for the user (`str(error)`)."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code  # "empty", "too_long", "filter": lets the web page translate


@dataclass(frozen=True)
class NumberTerm:
    """A standard number found in the query: its index keys and the text it came from."""

    text: str
    keys: tuple[str, ...]
    dated: bool = False
    bare: bool = False  # digits only (`32960.3`): may also be an ordinary number


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the query as typed
    words: tuple[str, ...] = ()  # free-text chunks, for the analyzers
    phrases: tuple[str, ...] = ()  # quoted: must appear as written
    excluded: tuple[str, ...] = ()  # `-word`: clauses containing these are dropped
    numbers: tuple[NumberTerm, ...] = ()
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # what was ignored, to show next to the results

    @property
    def is_empty(self) -> bool:
        """Nothing to match on (filters alone are allowed: they browse the library)."""
        return not (self.words or self.phrases or self.numbers)

    @property
    def is_number_query(self) -> bool:
        """The user typed a standard number and (almost) nothing else."""
        return (
            bool(self.numbers)
            and not self.phrases
            and not any(w for w in self.words if w not in {n.text for n in self.numbers})
        )

    def with_filters(self, extra: dict[str, object] | None) -> ParsedQuery:
        """Filters given outside the query text (command-line options, form fields) added."""
        if not extra:
            return self
        filters = dict(self.filters)
        warnings = list(self.warnings)
        for name, value in extra.items():
            if value in (None, "", (), []):
                continue
            values = value if isinstance(value, (list, tuple)) else [value]
            for raw in values:
                key, normalised = normalize_filter(str(name), str(raw))
                filters[key] = _added(filters.get(key, ()), normalised)
        return ParsedQuery(
            self.text,
            self.words,
            self.phrases,
            self.excluded,
            self.numbers,
            filters,
            tuple(warnings),
        )


# ---------------------------------------------------------------------------
# Filters

STATUS_VALUES = {
    "现行": "现行",
    "current": "现行",
    "active": "现行",
    "valid": "现行",
    "有效": "现行",
    "即将实施": "即将实施",
    "upcoming": "即将实施",
    "pending": "即将实施",
    "待实施": "即将实施",
    "被代替": "被代替",
    "代替": "被代替",
    "replaced": "被代替",
    "superseded": "被代替",
    "废止": "废止",
    "withdrawn": "废止",
    "abolished": "废止",
    "作废": "废止",
}
LEVEL_VALUES = {
    "national": "national",
    "国家": "national",
    "国家标准": "national",
    "国标": "national",
    "industry": "industry",
    "行业": "industry",
    "行业标准": "industry",
    "行标": "industry",
    "local": "local",
    "地方": "local",
    "地方标准": "local",
    "地标": "local",
    "group": "group",
    "团体": "group",
    "团体标准": "group",
    "团标": "group",
    "enterprise": "enterprise",
    "企业": "enterprise",
    "企业标准": "enterprise",
    "international": "international",
    "国际": "international",
    "国际标准": "international",
}
KIND_VALUES = {
    "mandatory": "mandatory",
    "强制": "mandatory",
    "强制性": "mandatory",
    "recommended": "recommended",
    "推荐": "recommended",
    "推荐性": "recommended",
    "guidance": "guidance",
    "指导": "guidance",
    "指导性": "guidance",
}
_PINYIN = {
    "beijing": "北京",
    "tianjin": "天津",
    "hebei": "河北",
    "shanxi": "山西",
    "neimenggu": "内蒙古",
    "innermongolia": "内蒙古",
    "liaoning": "辽宁",
    "jilin": "吉林",
    "heilongjiang": "黑龙江",
    "shanghai": "上海",
    "jiangsu": "江苏",
    "zhejiang": "浙江",
    "anhui": "安徽",
    "fujian": "福建",
    "jiangxi": "江西",
    "shandong": "山东",
    "henan": "河南",
    "hubei": "湖北",
    "hunan": "湖南",
    "guangdong": "广东",
    "guangxi": "广西",
    "hainan": "海南",
    "chongqing": "重庆",
    "sichuan": "四川",
    "guizhou": "贵州",
    "yunnan": "云南",
    "xizang": "西藏",
    "tibet": "西藏",
    "shaanxi": "陕西",
    "gansu": "甘肃",
    "qinghai": "青海",
    "ningxia": "宁夏",
    "xinjiang": "新疆",
    "taiwan": "台湾",
    "hongkong": "香港",
    "macau": "澳门",
    "macao": "澳门",
}
_REGION_SUFFIX = re.compile(r"(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)$")

# Names users type before the colon, in English or Chinese.
FILTER_NAMES = {
    "status": "status",
    "状态": "status",
    "level": "level",
    "层级": "level",
    "级别": "level",
    "类别": "level",
    "kind": "kind",
    "type": "kind",
    "性质": "kind",
    "region": "region",
    "地区": "region",
    "省份": "region",
    "province": "region",
    "ics": "ics",
    "year": "year",
    "年份": "year",
    "年代": "year",
    "prefix": "prefix",
    "代号": "prefix",
    "std": "std_no",
    "标准": "std_no",
    # Adoption of international standards (采标)
    "adopts": "adopts",
    "adopt": "adopts",
    "采标": "adopts",
    "degree": "degree",
    "一致性": "degree",
    "一致性程度": "degree",
    # 标龄 and 复审: the age filter compares with today, `review:due` is 现行 and older
    # than the review age (`indexer.library.review`).
    "age": "age",
    "标龄": "age",
    "review": "review",
    "复审": "review",
}
# Degrees of correspondence with an adopted standard, as users type them.
DEGREE_VALUES = {
    "idt": "IDT",
    "identical": "IDT",
    "等同": "IDT",
    "等同采用": "IDT",
    "mod": "MOD",
    "modified": "MOD",
    "修改": "MOD",
    "修改采用": "MOD",
    "neq": "NEQ",
    "noneq": "NEQ",
    "not-equivalent": "NEQ",
    "非等效": "NEQ",
    "非等效采用": "NEQ",
    "eqv": "EQV",
    "equivalent": "EQV",
    "等效": "EQV",
    "等效采用": "EQV",
}
_ADOPTS_KEY = re.compile(r"[a-z0-9][a-z0-9/.:\-]*")


def _adopts(value: str) -> str | None:
    """`adopts:ISO` → "iso" (the body), `adopts:ISO 690` → "iso690" (a number, matched at
    its part and year boundaries): the keys `documents.adoption_fields` indexes."""
    org = org_of(value)
    if org is not None:
        return org.lower()
    designation = parse_designation(value)
    key = str(designation) if designation is not None else value
    key = "".join(key.split()).lower()
    return key if _ADOPTS_KEY.fullmatch(key) else None


REVIEW_VALUES = {"due": "due", "到期": "due", "复审到期": "due", "待复审": "due"}


def _region(value: str) -> str | None:
    key = value.lower().replace(" ", "")
    if key in _PINYIN:
        return _PINYIN[key]
    if key.startswith("db"):
        key = key[2:]
    if key[:2] in PROVINCES and key[:2].isdigit():
        return PROVINCES[key[:2]]
    name = _REGION_SUFFIX.sub("", value)
    for province in PROVINCES.values():
        if name and (name == province or (len(name) >= 2 and province.startswith(name))):
            return province
    return None


def _years(value: str) -> tuple[str, ...] | None:
    """`2015`, `2015-2020`, `2015-`, `-2010` → ("2015", "2020") style bounds, "" for open."""
    m = re.fullmatch(r"((?:19|20)\d\d)?\s*(?:(-|~|至|到)\s*((?:19|20)\d\d)?)?", value)
    if not m or not (m.group(1) or m.group(3)):
        return None
    low, dash, high = m.group(1) or "", m.group(2), m.group(3) or ""
    if not dash:
        high = low
    if low and high and low > high:
        low, high = high, low
    return (low, high)


def _shown(value: str, limit: int = 40) -> str:
    """A value as an error message repeats it: long ones cut, so the message stays readable."""
    return value if len(value) <= limit else value[:limit] + "…"


def normalize_filter(name: str, value: str) -> tuple[str, tuple[str, ...]]:
    """(field, values) for one filter; a `QueryError` naming what is accepted otherwise."""
    key = FILTER_NAMES.get(name.strip().lower())
    value = fold_dashes(fold_width(value)).strip().strip(",，")
    if key is None:
        raise QueryError(
            f"unknown filter {name!r}: use status, level, kind, region, ics, year, prefix, std,"
            " adopts, degree, age or review",
            "filter",
        )
    # Separators alone (`ics:|`, `year:,`) are no value either: an empty filter matches nothing.
    values = [v for v in re.split(r"[,，|]", value) if v.strip()]
    if not values:
        raise QueryError(f"filter {name}: needs a value, e.g. {name}:{_EXAMPLES[key]}", "filter")
    out = [_filter_value(key, raw.strip()) for raw in values]
    return key, tuple(dict.fromkeys(out))


def _filter_value(key: str, raw: str) -> str:
    """One value of filter `key` in its canonical form, or a `QueryError` saying why not."""
    if key == "year":
        years = _years(raw)
        if years is None:
            raise QueryError(
                f"year:{_shown(raw)} is not a year or range (e.g. year:2015-2020)", "filter"
            )
        return f"{years[0]}-{years[1]}"
    if key == "ics":
        if not re.fullmatch(r"\d{2}(?:\.\d{3}(?:\.\d{2})?)?", raw):
            raise QueryError(f"ics:{_shown(raw)} is not an ICS code (e.g. ics:13.060)", "filter")
        return raw
    if key == "prefix":
        return raw.upper().replace(" ", "")
    if key == "age":
        age = normalize_age(raw)
        if age is None:
            raise QueryError(
                f"age:{_shown(raw)} is not an age in years (e.g. age:>5, age:3-10)", "filter"
            )
        return age
    if key == "std_no":
        number = parse_std_no(raw)
        return str(number) if number else raw
    if key == "region":
        normalised = _region(raw)
    elif key == "adopts":
        normalised = _adopts(raw)
    elif key == "degree":
        normalised = DEGREE_VALUES.get(raw.lower().replace(" ", "-"))
    else:
        table = {
            "status": STATUS_VALUES,
            "level": LEVEL_VALUES,
            "kind": KIND_VALUES,
            "review": REVIEW_VALUES,
        }[key]
        normalised = table.get(raw.lower()) or table.get(raw)
    if normalised is None:
        raise QueryError(
            f"{key}:{_shown(raw)} is not a known value (e.g. {key}:{_EXAMPLES[key]})", "filter"
        )
    return normalised


def _added(values: tuple[str, ...], more: tuple[str, ...]) -> tuple[str, ...]:
    """A filter typed twice (`kind:强制 kind:mandatory`) holds each value once."""
    return tuple(dict.fromkeys((*values, *more)))


# The name a filter is typed by, where it is not its field's.
_TYPED_NAMES = {"std_no": "std"}


def filters_to_text(filters: dict[str, tuple[str, ...]]) -> str:
    """Filters as a query types them (`status:现行 year:2015-2020`): what `parse_query`
    reads back to the same filters. A canonical number loses its spaces (`std:GB/T7714-2015`):
    a filter's value ends at the first space, and the number parses the same without."""
    return " ".join(
        f"{_TYPED_NAMES.get(key, key)}:{','.join(_typed_value(key, v) for v in values)}"
        for key, values in filters.items()
        if values
    )


def _typed_value(key: str, value: str) -> str:
    return value.replace(" ", "") if key == "std_no" else value


_EXAMPLES = {
    "status": "现行",
    "level": "地方",
    "kind": "强制性",
    "region": "广东",
    "ics": "13.060",
    "year": "2015-2020",
    "prefix": "GB/T",
    "std_no": "GB/T 7714-2015",
    "adopts": "ISO",
    "degree": "IDT",
    "age": ">5",
    "review": "due",
}

# ---------------------------------------------------------------------------
# Taking the text apart

# `adopts:ISO 690`, `采标:IEC 60335-1`: a body, a space, then a number of three digits or
# more (a year or a quantity after the filter stays a word of the query); tried first.
_SPACED_ADOPTS = (
    r"(?P<spaced_name>(?i:adopts?)|采标)\s*[:：]\s*"
    r"(?P<spaced_value>[A-Za-z][A-Za-z/\-]*[ ]+[A-Z]?[ ]?\d{3,}(?:[-.:]\d+)*)(?=\s|$)"
)
_FILTER_RE = re.compile(
    rf"(?:(?<=\s)|^)(?:{_SPACED_ADOPTS}|"
    r"(?P<name>[A-Za-z\u4e00-\u9fff]{2,8})\s*[:：]\s*(?P<value>[^\s\"“”]*))"
)
_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "”": "”"}
_PHRASE_RE = re.compile(r"\"([^\"]*)\"|“([^”]*)”|「([^」]*)」|『([^』]*)』")
_EXCLUDE_RE = re.compile(r"(?:(?<=\s)|^)-(?P<word>[^\s\-][^\s]*)")
# Runs that may hold a standard number: Latin letters, digits and the signs numbers use.
_NUMBER_RUN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/.\-: _]*[A-Za-z0-9]|[A-Za-z0-9]")
# How questions are asked, not what they ask about. Longest first.
QUESTION_WORDS = (
    "多长时间",
    "怎么样",
    "为什么",
    "是不是",
    "可不可以",
    "能不能",
    "有没有",
    "应该",
    "应当",
    "怎么",
    "怎样",
    "如何",
    "多少",
    "多久",
    "多高",
    "多远",
    "多大",
    "多长",
    "多宽",
    "多深",
    "是否",
    "什么",
    "哪些",
    "哪个",
    "哪种",
    "哪类",
    "哪一",
    "能否",
    "可否",
    "请问",
    "几秒",
    "几年",
    "几次",
    "几个",
    "吗",
    "呢",
    "吧",
    "么",
)
_QUESTION_RE = re.compile("|".join(map(re.escape, QUESTION_WORDS)))
# Punctuation and symbols become separators; letters, digits, CJK and `.`/`/` in codes stay.
_PUNCT_RE = re.compile(r"[^\w\u4e00-\u9fff\u3400-\u4dbf.\-/%℃]+|(?<!\w)[.\-/]+|[.\-/]+(?!\w)")


def _fold(text: str) -> str:
    return fold_dashes(fold_width(text))


def _clean_words(text: str) -> list[str]:
    text = _QUESTION_RE.sub(" ", text)
    text = _PUNCT_RE.sub(" ", text.replace("_", " "))
    return [w for w in text.split() if w]


def _find_numbers(text: str) -> tuple[list[NumberTerm], str]:
    """Standard numbers in `text`, and the text with them blanked out."""
    found: list[NumberTerm] = []
    chars = list(text)
    for run in _NUMBER_RUN_RE.finditer(text):
        parts = [
            (m.start() + run.start(), m.end() + run.start())
            for m in re.finditer(r"\S+", run.group())
        ]
        i = 0
        while i < len(parts):
            # Longest stretch of space-separated parts that reads as one number:
            # `GB/T 28181—2016`, `DB 44/2367-2022`, `gb t 28181`, `JT / T 808 - 2011`.
            for j in range(min(len(parts), i + 7), i, -1):
                start, end = parts[i][0], parts[j - 1][1]
                piece = text[start:end]
                number = _number_term(piece, text[end : end + 1])
                if number is not None:
                    found.append(number)
                    if not number.bare:
                        chars[start:end] = " " * (end - start)
                    i = j
                    break
            else:
                i += 1
    return found, "".join(chars)


def _number_term(piece: str, after: str) -> NumberTerm | None:
    keys = normalize_query_number(piece)
    if not keys:
        return None
    number = parse_typed_std_no(piece)
    if number is None:
        if after == "年" or not re.search(r"\d{3}", piece):
            return None  # `2015年` is a year; `1.5` is a quantity
        return NumberTerm(piece, tuple(keys), dated="-" in keys[0], bare=True)
    if (
        not number.kind_letter
        and number.year is None
        and not re.search(r"[\s/]", piece)
        and not re.search(r"\d{3}", number.number)
    ):
        return None  # `CH4`, `NO2`: formulas, not standards
    return NumberTerm(piece, tuple(keys), dated=number.year is not None)


def parse_query(text: str | None, max_chars: int = MAX_QUERY_CHARS) -> ParsedQuery:
    """Split a query into filters, phrases, exclusions, standard numbers and words."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise QueryError("the query must be text", "invalid")
    if len(text) > max_chars:
        raise QueryError(
            f"the query is {len(text)} characters long; at most {max_chars} are searched — "
            "shorten it to the words that matter",
            "too_long",
        )
    original = text
    text = _fold(text).replace("\x00", " ")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    filters: dict[str, tuple[str, ...]] = {}
    warnings: list[str] = []

    def take_filter(m: re.Match[str]) -> str:
        name = m.group("spaced_name") or m.group("name")
        if name.lower() not in FILTER_NAMES:
            return m.group(0)
        key, values = normalize_filter(name, m.group("spaced_value") or m.group("value"))
        filters[key] = _added(filters.get(key, ()), values)
        return " "

    text = _FILTER_RE.sub(take_filter, text)

    phrases: list[str] = []

    def take_phrase(m: re.Match[str]) -> str:
        inner = next(g for g in m.groups() if g is not None)
        inner = " ".join(_clean_words(inner.replace("-", " ")))
        if inner:
            phrases.append(inner)
        return " "

    text = _PHRASE_RE.sub(take_phrase, text)
    if any(q in text for q in _QUOTES):
        warnings.append("unbalanced quotation mark ignored")
        text = re.sub('["“”「」『』]', " ", text)

    numbers, text = _find_numbers(text)

    excluded: list[str] = []

    def take_exclusion(m: re.Match[str]) -> str:
        excluded.extend(_clean_words(m.group("word")))
        return " "

    text = _EXCLUDE_RE.sub(take_exclusion, text)
    words = _clean_words(text)
    # Number text is kept for the word fields only when it may be an ordinary token.
    return ParsedQuery(
        text=original,
        words=tuple(words),
        phrases=tuple(phrases),
        excluded=tuple(dict.fromkeys(excluded)),
        numbers=tuple(numbers),
        filters=filters,
        warnings=tuple(warnings),
    )
