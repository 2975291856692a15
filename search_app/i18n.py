"""Interface labels in Chinese (default) and English."""

from __future__ import annotations

from collections.abc import Callable

LABELS: dict[str, dict[str, str]] = {
    "site_name": {"zh": "标准文献全文检索", "en": "Standard document search"},
    "search": {"zh": "检索", "en": "Search"},
    "search_placeholder": {
        "zh": "标准号、标准名称或问题，如 GB/T 7714 或 厂界噪声 夜间 测量",
        "en": "Standard number, title words or a question",
    },
    "results": {"zh": "条结果", "en": "results"},
    "found": {
        "zh": "{standards} 项标准 · {clauses} 条匹配条款",
        "en": "{standards} standards · {clauses} matching clauses",
    },
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
    "ccs": {"zh": "CCS", "en": "CCS"},
    "adopts": {"zh": "采用国际标准", "en": "Adopts"},
    "draft": {"zh": "草案阶段", "en": "Draft stage"},
    "pages": {"zh": "页数", "en": "Pages"},
    "replaces": {"zh": "代替", "en": "Replaces"},
    "replaced_by": {"zh": "被代替为", "en": "Replaced by"},
    "compare_editions": {"zh": "与被代替版本对比", "en": "compare with the edition it replaces"},
    "compare_with": {"zh": "与其他条款对比…", "en": "Compare with…"},
    "needs_ocr_pages": {"zh": "待 OCR 识别的页", "en": "Pages waiting for OCR"},
    "open_pdf": {"zh": "打开原文 PDF", "en": "Open the PDF"},
    "search_within": {"zh": "在本标准内检索", "en": "Search within this standard"},
    "outline": {"zh": "目次", "en": "Contents"},
    "terms": {"zh": "术语和定义", "en": "Terms and definitions"},
    "references": {"zh": "规范性引用文件", "en": "Normative references"},
    "cited_by": {"zh": "被以下标准引用", "en": "Cited by"},
    "similar": {"zh": "其他标准中的相似条款", "en": "Similar clauses in other standards"},
    "compare": {"zh": "条款对比", "en": "Compare"},
    "changed_clauses": {"zh": "{n} 处条款有差异", "en": "{n} clauses differ"},
    "term_query": {"zh": "术语，如 参考文献", "en": "A term, e.g. 参考文献"},
    "standard": {"zh": "标准", "en": "Standard"},
    "clause": {"zh": "条款", "en": "Clause"},
    "term": {"zh": "术语", "en": "Term"},
    "definition": {"zh": "定义", "en": "Definition"},
    "bad_request": {"zh": "请求有误", "en": "Bad request"},
    "server_error": {"zh": "服务器出错", "en": "Server error"},
    # values of the level and kind facets
    "national": {"zh": "国家标准", "en": "National"},
    "industry": {"zh": "行业标准", "en": "Industry"},
    "local": {"zh": "地方标准", "en": "Local"},
    "group": {"zh": "团体标准", "en": "Group"},
    "enterprise": {"zh": "企业标准", "en": "Enterprise"},
    "international": {"zh": "国际标准", "en": "International"},
    "mandatory": {"zh": "强制性", "en": "Mandatory"},
    "recommended": {"zh": "推荐性", "en": "Recommended"},
    "guidance": {"zh": "指导性", "en": "Guidance"},
    "not_found": {"zh": "未找到", "en": "Not found"},
}


def translator(lang: str) -> Callable[..., str]:
    def t(key: str, **values) -> str:
        entry = LABELS.get(key, {})
        text = entry.get(lang) or entry.get("zh") or key
        return text.format(**values) if values else text

    return t
