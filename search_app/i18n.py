"""Interface labels in Chinese (default) and English."""

from __future__ import annotations

from collections.abc import Callable

LABELS: dict[str, dict[str, str]] = {
    "site_name": {"zh": "标准文献全文检索", "en": "Standard document search"},
    "search": {"zh": "检索", "en": "Search"},
    "search_placeholder": {"zh": "标准号、标准名称或问题，如 GB/T 7714 或 厂界噪声 夜间 测量",
                           "en": "Standard number, title words or a question"},
    "results": {"zh": "条结果", "en": "results"},
    "standards": {"zh": "项标准", "en": "standards"},
    "ms": {"zh": "毫秒", "en": "ms"},
    "page": {"zh": "页", "en": "page"},
    "more_clauses": {"zh": "本标准另有 {n} 条匹配条款", "en": "{n} more clauses in this standard"},
    "no_results": {"zh": "没有找到匹配的结果。", "en": "Nothing matched."},
    "did_you_mean": {"zh": "您是否要找：", "en": "Did you mean:"},
    "previous": {"zh": "上一页", "en": "Previous"},
    "next": {"zh": "下一页", "en": "Next"},
    "status": {"zh": "状态", "en": "Status"},
    "level": {"zh": "层级", "en": "Level"},
    "kind": {"zh": "性质", "en": "Kind"},
    "region": {"zh": "地区", "en": "Region"},
    "ics": {"zh": "ICS", "en": "ICS"},
    "year": {"zh": "年份", "en": "Year"},
    "issued": {"zh": "发布", "en": "Issued"},
    "effective": {"zh": "实施", "en": "Effective"},
    "ocr_text": {"zh": "OCR 文本，可能有误", "en": "OCR text — may contain errors"},
    "switch_language": {"zh": "English", "en": "中文"},
    "query_label": {"zh": "检索词", "en": "Query"},
    "filters": {"zh": "筛选", "en": "Filters"},
    "library_size": {"zh": "馆藏 {n} 项标准", "en": "{n} standards in the library"},
}


def translator(lang: str) -> Callable[..., str]:
    def t(key: str, **values) -> str:
        entry = LABELS.get(key, {})
        text = entry.get(lang) or entry.get("zh") or key
        return text.format(**values) if values else text

    return t
