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
        "en": "Standards: {standards} · matching clauses: {clauses}",
    },
    "standards": {"zh": "项标准", "en": "standards"},
    "ms": {"zh": "毫秒", "en": "ms"},
    "page": {"zh": "页", "en": "page"},
    "more_clauses": {"zh": "本标准另有 {n} 条匹配条款", "en": "More matching clauses here: {n}"},
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
    "ocr_text": {"zh": "OCR 识别文本，可能有误", "en": "OCR text — may contain errors"},
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
    "changed_clauses": {"zh": "{n} 处条款有差异", "en": "Clauses that differ: {n}"},
    "term_query": {
        "zh": "术语，如 参考文献",
        "en": "A term in Chinese or English, e.g. bibliography",
    },
    "standard": {"zh": "标准", "en": "Standard"},
    "clause": {"zh": "条款", "en": "Clause"},
    "term": {"zh": "术语", "en": "Term"},
    "definition": {"zh": "定义", "en": "Definition"},
    "bad_request": {"zh": "请求有误", "en": "Bad request"},
    "server_error": {"zh": "服务器出错", "en": "Server error"},
    # reading pages: chrome, cards, page images, pagination
    "skip_to_content": {"zh": "跳到正文", "en": "Skip to main content"},
    "main_nav": {"zh": "主导航", "en": "Main"},
    "page_n": {"zh": "第 {n} 页", "en": "p. {n}"},
    "open_pdf_page": {"zh": "在原文 PDF 中打开第 {n} 页", "en": "Open page {n} of the PDF"},
    "view_page_image": {"zh": "查看原页图像", "en": "View the page image"},
    "page_image_title": {"zh": "{std_no} 第 {n} 页", "en": "{std_no}, page {n}"},
    "page_image_alt": {
        "zh": "{std_no} 第 {n} 页的原文图像",
        "en": "Page {n} of {std_no} as printed in the original PDF",
    },
    "ocr_page_note": {
        "zh": "本页文字由 OCR 识别，可能有误；请以原页图像为准。",
        "en": "The text of this page was read by OCR and may contain errors; the image is authoritative.",
    },
    "back_to_standard": {"zh": "返回标准", "en": "Back to the standard"},
    "pagination": {"zh": "分页", "en": "Pages"},
    "page_number": {"zh": "第 {n} 页", "en": "Page {n}"},
    "more_clauses_link": {"zh": "在本标准内查看全部", "en": "see all in this standard"},
    "clear_filters": {"zh": "清除筛选", "en": "Clear filters"},
    "active_filters": {"zh": "当前筛选", "en": "Active filters"},
    "remove_filter": {"zh": "去掉筛选条件 {name}", "en": "Remove the {name} filter"},
    "search_results": {"zh": "检索结果", "en": "Search results"},
    "std_number": {"zh": "标准号", "en": "Number"},
    "title_en": {"zh": "英文名称", "en": "English title"},
    "issuers": {"zh": "发布单位", "en": "Issued by"},
    "source_file": {"zh": "文件名", "en": "Source file"},
    "ocr_pages": {"zh": "OCR 识别的页", "en": "Pages read by OCR"},
    "not_in_library": {"zh": "馆藏中无", "en": "not in the library"},
    "full_text": {"zh": "正文", "en": "Full text"},
    "clause_path": {"zh": "所在位置", "en": "Location"},
    "in_context": {"zh": "在全文中查看", "en": "Read in context"},
    "search_help": {
        "zh": "可输入任意写法的标准号（gb/t7714、GB/T 7714—2015）、标准名称中的词或一句话；"
        "也可在检索词中筛选：status:现行 level:地方 region:广东 year:2015-2020，"
        "用引号检索短语，用 -词 排除。",
        "en": "Type a standard number in any spelling (gb/t7714, GB/T 7714—2015), words of a title "
        "or a question in Chinese; filter inside the query with status:current level:local "
        "region:guangdong year:2015-2020, quote a phrase, exclude a word with -word.",
    },
    "edition_history": {"zh": "版本沿革", "en": "Edition history"},
    "compare_same_clause": {
        "zh": "与 {std_no} 中的同一条款对比",
        "en": "Compare with the same clause in {std_no}",
    },
    "compare_with_successor": {
        "zh": "与代替它的版本对比",
        "en": "compare with the edition that replaces it",
    },
    "the index was cut with another dictionary; run stdsearch reindex": {
        "zh": "索引与检索所用的分词词典不一致，部分词语可能检索不到；请馆员运行 stdsearch reindex 重建索引。",
        "en": "The index was cut with another dictionary than queries are, so some words may"
        " not be found: a librarian should run stdsearch reindex.",
    },
    "unbalanced quotation mark ignored": {
        "zh": "引号不成对，已忽略。",
        "en": "An unbalanced quotation mark was ignored.",
    },
    "compare_a": {"zh": "对比项 A", "en": "Item A"},
    "compare_b": {"zh": "对比项 B", "en": "Item B"},
    "compare_hint": {
        "zh": "填写标准号可对比两个版本，填写“标准号/条款号”（如 GB/T 7714-2015/4.2）可对比两个条款。",
        "en": "A standard number compares two editions; <std_no>/<clause_no> (e.g. GB/T 7714-2015/4.2) compares two clauses.",
    },
    "compare_choose": {"zh": "请填写要与之对比的另一项。", "en": "Enter what to compare it with."},
    "added": {"zh": "新增", "en": "added"},
    "removed": {"zh": "删除", "en": "removed"},
    "unchanged": {"zh": "无变化", "en": "unchanged"},
    # errors the reader can act on
    "query_too_long": {
        "zh": "检索词过长（超过 {limit} 个字符），请只保留关键的词。",
        "en": "The query is too long (over {limit} characters); keep the words that matter.",
    },
    "filter_too_long": {
        "zh": "筛选条件 {name} 过长（超过 {limit} 个字符）。",
        "en": "The {name} filter is too long (over {limit} characters).",
    },
    "whole_numbers": {
        "zh": "limit 和 page 须为正整数。",
        "en": "limit and page must be whole numbers.",
    },
    "query_empty": {
        "zh": "请输入要检索的词、短语或标准号。",
        "en": "Type words, a phrase or a standard number to search for.",
    },
    "query_filter": {
        "zh": "筛选条件无法识别：{detail}",
        "en": "A filter is not understood: {detail}",
    },
    "page_too_far": {
        "zh": "页码超出了结果范围。",
        "en": "That page is past the end of the results.",
    },
    "query_error": {"zh": "无法执行该检索：{detail}", "en": "This query cannot be run: {detail}"},
    "compare_needs_both": {
        "zh": "请填写要对比的两项。",
        "en": "Both a and b are required.",
    },
    "compare_bad_ref": {
        "zh": "对比项为空或过长。",
        "en": "An item to compare is empty or too long.",
    },
    "compare_no_standard": {
        "zh": "馆藏中没有与“{ref}”匹配的标准。",
        "en": "No standard in the library matches “{ref}”.",
    },
    "compare_mixed": {
        "zh": "请对比两个条款或两个标准，不能将条款与整项标准对比。",
        "en": "Compare two clauses or two standards, not a clause with a standard.",
    },
    "no_such_standard": {
        "zh": "标准 {std_no} 不在馆藏中。",
        "en": "{std_no} is not in the library.",
    },
    "no_such_clause": {
        "zh": "{std_no} 中没有条款 {clause_no}。",
        "en": "{std_no} has no clause {clause_no}.",
    },
    "no_such_page": {"zh": "{std_no} 没有第 {page} 页。", "en": "{std_no} has no page {page}."},
    "no_original": {
        "zh": "{std_no} 的原文 PDF 不在馆藏中。",
        "en": "The original PDF of {std_no} is missing.",
    },
    "not_found_message": {
        "zh": "这个地址没有页面。可以在下面检索：",
        "en": "There is no page at this address. Try a search:",
    },
    "server_error_message": {
        "zh": "服务器出错，已记录，请稍后再试。",
        "en": "Something went wrong on our side; it has been logged. Please try again later.",
    },
    "library_busy": {"zh": "馆藏正忙", "en": "The library is busy"},
    "search_engine": {"zh": "检索引擎", "en": "Search engine"},
    "engine_whoosh": {"zh": "内置索引（Whoosh）", "en": "embedded index (Whoosh)"},
    "engine_sphinxql": {"zh": "检索集群（SphinxQL）", "en": "search cluster (SphinxQL)"},
    "ocr_status": {"zh": "扫描页 OCR", "en": "OCR of scanned pages"},
    "ocr_available": {"zh": "可用（Tesseract，简体中文）", "en": "available (Tesseract, chi_sim)"},
    "ocr_unavailable": {
        "zh": "不可用：扫描页导入后标记为待 OCR",
        "en": "unavailable: scanned pages are ingested as needing OCR",
    },
    "pending_writes": {
        "zh": "{count} 项写入等待集群分片恢复后重放",
        "en": "{count} write(s) waiting for a cluster shard to come back",
    },
    "partial_results": {
        "zh": "部分索引分片暂时无法访问，以下结果可能不完整。",
        "en": "Part of the search index did not answer: some matches may be missing.",
    },
    "engine_unavailable": {"zh": "检索服务暂不可用", "en": "Search is unavailable"},
    "engine_unavailable_message": {
        "zh": "检索集群暂时无法访问，请稍后再试。",
        "en": "The search cluster does not answer at the moment. Please try again shortly.",
    },
    "library_busy_message": {
        "zh": "正在重建索引或批量入库，本次操作未做任何改动，请稍后再试。",
        "en": "A reindex or a batch ingest is writing the library. Nothing was changed;"
        " please try again in a minute.",
    },
    # lifecycle status and draft stage values
    "现行": {"zh": "现行", "en": "In force"},
    "即将实施": {"zh": "即将实施", "en": "Not yet in force"},
    "被代替": {"zh": "被代替", "en": "Superseded"},
    "废止": {"zh": "废止", "en": "Withdrawn"},
    "征求意见稿": {"zh": "征求意见稿", "en": "Draft for comment"},
    "送审稿": {"zh": "送审稿", "en": "Draft for review"},
    "报批稿": {"zh": "报批稿", "en": "Draft for approval"},
    # regions of local standards (GB/T 2260 provinces), as the region facet shows them
    "北京": {"zh": "北京", "en": "Beijing"},
    "天津": {"zh": "天津", "en": "Tianjin"},
    "河北": {"zh": "河北", "en": "Hebei"},
    "山西": {"zh": "山西", "en": "Shanxi"},
    "内蒙古": {"zh": "内蒙古", "en": "Inner Mongolia"},
    "辽宁": {"zh": "辽宁", "en": "Liaoning"},
    "吉林": {"zh": "吉林", "en": "Jilin"},
    "黑龙江": {"zh": "黑龙江", "en": "Heilongjiang"},
    "上海": {"zh": "上海", "en": "Shanghai"},
    "江苏": {"zh": "江苏", "en": "Jiangsu"},
    "浙江": {"zh": "浙江", "en": "Zhejiang"},
    "安徽": {"zh": "安徽", "en": "Anhui"},
    "福建": {"zh": "福建", "en": "Fujian"},
    "江西": {"zh": "江西", "en": "Jiangxi"},
    "山东": {"zh": "山东", "en": "Shandong"},
    "河南": {"zh": "河南", "en": "Henan"},
    "湖北": {"zh": "湖北", "en": "Hubei"},
    "湖南": {"zh": "湖南", "en": "Hunan"},
    "广东": {"zh": "广东", "en": "Guangdong"},
    "广西": {"zh": "广西", "en": "Guangxi"},
    "海南": {"zh": "海南", "en": "Hainan"},
    "重庆": {"zh": "重庆", "en": "Chongqing"},
    "四川": {"zh": "四川", "en": "Sichuan"},
    "贵州": {"zh": "贵州", "en": "Guizhou"},
    "云南": {"zh": "云南", "en": "Yunnan"},
    "西藏": {"zh": "西藏", "en": "Tibet"},
    "陕西": {"zh": "陕西", "en": "Shaanxi"},
    "甘肃": {"zh": "甘肃", "en": "Gansu"},
    "青海": {"zh": "青海", "en": "Qinghai"},
    "宁夏": {"zh": "宁夏", "en": "Ningxia"},
    "新疆": {"zh": "新疆", "en": "Xinjiang"},
    "新疆生产建设兵团": {
        "zh": "新疆生产建设兵团",
        "en": "Xinjiang Production and Construction Corps",
    },
    "台湾": {"zh": "台湾", "en": "Taiwan"},
    "香港": {"zh": "香港", "en": "Hong Kong"},
    "澳门": {"zh": "澳门", "en": "Macao"},
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
    # librarian pages
    "librarian": {"zh": "馆员", "en": "Librarian"},
    "sign_in": {"zh": "馆员登录", "en": "Librarian sign-in"},
    "sign_in_why": {
        "zh": "检索无需登录；上传、编辑和撤销标准需馆员账户。",
        "en": "Searching needs no account; uploading, editing and withdrawing standards do.",
    },
    "sign_out": {"zh": "退出登录", "en": "Sign out"},
    "user_name": {"zh": "用户名", "en": "User name"},
    "password": {"zh": "密码", "en": "Password"},
    "wrong_password": {"zh": "用户名或密码错误。", "en": "Wrong user name or password."},
    "too_many_attempts": {
        "zh": "失败次数过多，请 15 分钟后再试。",
        "en": "Too many failed attempts; try again in 15 minutes.",
    },
    "librarian_desk": {"zh": "馆员工作台", "en": "Librarian's desk"},
    "signed_in_as": {"zh": "当前用户：", "en": "Signed in as"},
    "ingest_log": {"zh": "入库记录", "en": "Ingest log"},
    "time": {"zh": "时间", "en": "Time"},
    "file": {"zh": "文件", "en": "File"},
    "outcome": {"zh": "结果", "en": "Outcome"},
    "reason": {"zh": "原因", "en": "Reason"},
    "nothing_yet": {"zh": "暂无记录。", "en": "Nothing yet."},
    "api_tokens": {"zh": "API 令牌", "en": "API tokens"},
    "api_tokens_why": {
        "zh": "脚本以 Authorization: Bearer 令牌 调用馆员接口。",
        "en": "Scripts call the librarian API with Authorization: Bearer <token>.",
    },
    "token_label": {"zh": "用途说明", "en": "Label"},
    "create_token": {"zh": "生成令牌", "en": "Create a token"},
    "revoke_tokens": {"zh": "撤销我的全部令牌", "en": "Revoke all my tokens"},
    "token_shown_once": {
        "zh": "新令牌只显示这一次，请妥善保存：",
        "en": "The new token is shown this once; keep it safe:",
    },
    "upload": {"zh": "上传标准", "en": "Upload standards"},
    "audit_log": {"zh": "修改记录", "en": "Audit log"},
    "feedback_queue": {"zh": "实施信息反馈", "en": "Implementation feedback"},
    # Librarian corrections, lifecycle and implementation feedback.
    "edit_metadata": {"zh": "修改元数据", "en": "Edit metadata"},
    "edit_std_no": {"zh": "标准号", "en": "Standard number"},
    "edit_title_zh": {"zh": "中文名称", "en": "Chinese title"},
    "edit_title_en": {"zh": "英文名称", "en": "English title"},
    "edit_issued": {"zh": "发布日期", "en": "Issued"},
    "edit_effective": {"zh": "实施日期", "en": "Effective"},
    "edit_lifecycle": {"zh": "状态与替代关系", "en": "Status and editions"},
    "edit_fix_errors": {
        "zh": "请更正下列标出的内容。",
        "en": "Please correct the fields marked below.",
    },
    "edit_error_bad_std_no": {
        "zh": "无法识别的标准号，例如 GB/T 7714-2015",
        "en": "Not a standard number; write it like GB/T 7714-2015",
    },
    "edit_error_bad_date": {
        "zh": "日期格式应为 YYYY-MM-DD（发布、实施日期也可写 YYYY-MM）",
        "en": "Dates are written YYYY-MM-DD (issue and effective dates may be YYYY-MM)",
    },
    "edit_error_bad_status": {
        "zh": "状态应为 现行、即将实施、被代替 或 废止",
        "en": "Status is one of 现行, 即将实施, 被代替, 废止",
    },
    "edit_error_bad_ics": {"zh": "ICS 号形如 01.140.20", "en": "ICS codes look like 01.140.20"},
    "edit_error_bad_ccs": {"zh": "CCS 号形如 A14", "en": "CCS codes look like A14"},
    "edit_error_too_long": {"zh": "内容过长", "en": "Too long"},
    "edit_error_std_no_taken": {
        "zh": "馆藏中已有这个标准号",
        "en": "Another standard in the library has this number",
    },
    "edit_error_withdrawn_needs_date": {
        "zh": "标为废止时请填写废止日期",
        "en": "Give the date it was withdrawn",
    },
    "edit_error_date_needs_withdrawn": {
        "zh": "只有废止的标准才有废止日期",
        "en": "Only a withdrawn (废止) standard has a withdrawal date",
    },
    "status_derived": {
        "zh": "自动：由馆藏推断（{status}）",
        "en": "Automatic: from the library ({status})",
    },
    "status_hint": {
        "zh": "选“自动”时，状态由实施日期和馆藏中的新版本推断；选定的状态不会被自动推断覆盖。",
        "en": "Automatic status follows the effective date and newer editions in the library; "
        "a status chosen here is never overwritten.",
    },
    "withdrawn": {"zh": "废止日期", "en": "Withdrawn"},
    "notes": {"zh": "馆员备注", "en": "Librarian's notes"},
    "one_per_line": {"zh": "每行一个标准号", "en": "One standard number per line"},
    "save": {"zh": "保存", "en": "Save"},
    "saved": {"zh": "已保存修改。", "en": "Changes saved."},
    "cancel": {"zh": "取消", "en": "Cancel"},
    "delete_standard": {"zh": "删除标准", "en": "Delete standard"},
    "delete_explained": {
        "zh": "删除后，该标准将从目录和检索中移除，原文 PDF 移入回收站（可用 stdsearch trash purge 清空）。",
        "en": "The standard leaves the catalogue and the search; its original PDF goes to the "
        "trash (emptied by stdsearch trash purge).",
    },
    "confirm_delete": {"zh": "确认删除 {std_no}", "en": "Yes, delete {std_no}"},
    "confirm_delete_needed": {"zh": "请勾选确认后再删除。", "en": "Tick the box to confirm."},
    "deleted": {"zh": "已删除", "en": "Deleted"},
    "changed_by": {"zh": "修改人", "en": "Changed by"},
    "field": {"zh": "字段", "en": "Field"},
    "old_value": {"zh": "原值", "en": "Old value"},
    "new_value": {"zh": "新值", "en": "New value"},
    "filter_by_standard": {"zh": "按标准号筛选", "en": "Standard number"},
    "prefix": {"zh": "代号", "en": "Prefix"},
    "feedback_heading": {"zh": "标准实施信息反馈", "en": "Feedback on this clause in use"},
    "feedback_open_n": {
        "zh": "本条款有 {n} 条待处理的反馈",
        "en": "{n} open feedback items on this clause",
    },
    "feedback_text": {
        "zh": "实施中遇到的问题或建议（不超过 2000 字）",
        "en": "What you met applying this clause (up to 2000 characters)",
    },
    "feedback_contact": {"zh": "联系方式（选填）", "en": "Contact (optional)"},
    "feedback_submit": {"zh": "提交反馈", "en": "Send feedback"},
    "feedback_thanks": {"zh": "谢谢，反馈已收到。", "en": "Thank you; your feedback was received."},
    "feedback_empty": {"zh": "请填写反馈内容。", "en": "Write your feedback first."},
    "feedback_too_long": {
        "zh": "反馈不能超过 2000 字。",
        "en": "Feedback is limited to 2000 characters.",
    },
    "contact_too_long": {"zh": "联系方式过长。", "en": "The contact is too long."},
    "too_much_feedback": {
        "zh": "提交过于频繁，请 10 分钟后再试。",
        "en": "Too much feedback from your address; try again in 10 minutes.",
    },
    "no_open_feedback": {"zh": "没有编号为 {id} 的待处理反馈", "en": "No open feedback item {id}"},
    "show_resolved": {"zh": "查看已处理的反馈", "en": "Show resolved items"},
    "show_open": {"zh": "查看待处理的反馈", "en": "Show open items"},
    "mark_resolved": {"zh": "标为已处理", "en": "Mark resolved"},
    "resolved_by": {"zh": "{user} 于 {at} 处理", "en": "Resolved by {user} at {at}"},
    # upload pages
    "upload_why": {
        "zh": "一次可选择多个 PDF；每个文件先经检查，通过后在后台解析入库，完成后即可检索。",
        "en": "Choose several PDFs at once; each is checked, then parsed and indexed in the"
        " background, and can be searched as soon as it is indexed.",
    },
    "upload_limits": {
        "zh": "每次最多 {files} 个文件，共 {total} MB；每个文件不超过 {mb} MB、{pages} 页。",
        "en": "Up to {files} files and {total} MB at a time; each file at most {mb} MB and"
        " {pages} pages.",
    },
    "upload_choose": {"zh": "选择 PDF 文件", "en": "Choose PDF files"},
    "upload_drop_hint": {"zh": "也可以把文件拖放到这里。", "en": "Or drop the files here."},
    "upload_submit": {"zh": "上传", "en": "Upload"},
    "upload_sending": {"zh": "正在发送：", "en": "Sending:"},
    "upload_send_failed": {
        "zh": "发送失败，请检查网络后重试。",
        "en": "Sending failed; check the connection and try again.",
    },
    "upload_choose_files": {"zh": "请至少选择一个 PDF 文件。", "en": "Choose at least one PDF."},
    "upload_recent": {"zh": "最近的上传", "en": "Recent uploads"},
    "upload_by": {"zh": "上传者", "en": "By"},
    "upload_files": {"zh": "文件数", "en": "Files"},
    "upload_pending": {"zh": "待处理", "en": "Pending"},
    "upload_progress": {"zh": "上传进度", "en": "Upload progress"},
    "upload_state": {"zh": "状态", "en": "State"},
    "upload_working": {
        "zh": "正在后台处理，本页会自动更新。",
        "en": "Working in the background; this page updates itself.",
    },
    "upload_reload": {"zh": "刷新", "en": "Reload"},
    "upload_done": {"zh": "全部处理完毕。", "en": "All files are done."},
    "upload_more": {"zh": "继续上传", "en": "Upload more"},
    "upload_too_large": {"zh": "上传内容过大", "en": "Upload too large"},
    "upload_too_large_message": {
        "zh": "一次上传不能超过 {mb} MB，请分批上传。",
        "en": "One upload may hold at most {mb} MB; upload the files in smaller batches.",
    },
    "upload_too_many_files_message": {
        "zh": "一次上传不能超过 {files} 个文件，请分批上传。",
        "en": "One upload may hold at most {files} files; upload them in smaller batches.",
    },
    "upload_state.queued": {"zh": "排队中", "en": "queued"},
    "upload_state.parsing": {"zh": "解析中", "en": "parsing"},
    "upload_state.indexed": {"zh": "已入库", "en": "indexed"},
    "upload_state.needs OCR": {"zh": "需 OCR", "en": "needs OCR"},
    "upload_state.unchanged": {"zh": "已有，未变", "en": "unchanged"},
    "upload_state.failed": {"zh": "失败", "en": "failed"},
    "upload_state.refused": {"zh": "已拒收", "en": "refused"},
    # How far the parse of a file has got, shown in place of "parsing".
    "upload_stage.OCR": {"zh": "正在识别 {done}/{total} 页", "en": "OCR {done}/{total} pages"},
    "upload_stage": {"zh": "{stage} {done}/{total}", "en": "{stage} {done}/{total}"},
    # term concordance: one term as every standard defines it
    "concordance": {"zh": "术语对照", "en": "Term concordance"},
    "concordance_why": {
        "zh": "同一术语在各项标准中的定义并列对照；写法差异（全角半角、大小写、空格、标点、括注缩写）已归一，"
        "定义逐字与最新现行标准的定义比较。",
        "en": "One term as each standard defines it, side by side; spellings are folded (width,"
        " case, spaces, punctuation, bracketed abbreviations), and each definition is compared"
        " character by character with the one of the most recent current standard.",
    },
    "concordance_stats": {
        "zh": "馆藏共 {terms} 条术语定义；{shared} 个术语见于两项以上标准，其中 {differ} 个定义不一致。",
        "en": "Definitions in the library: {terms}; terms defined in more than one standard:"
        " {shared}, of which the definitions differ for {differ}.",
    },
    "concordance_all": {
        "zh": "见于多项标准的全部术语",
        "en": "All terms defined in several standards",
    },
    "concordance_standards": {"zh": "标准数", "en": "Standards"},
    "concordance_agreement": {"zh": "定义", "en": "Definitions"},
    "concordance_variants": {"zh": "{n} 种定义", "en": "{n} different definitions"},
    "concordance_in_n": {"zh": "见于 {n} 项标准", "en": "Defined in {n} standards"},
    "concordance_only_one": {
        "zh": "仅见于一项标准",
        "en": "Defined in one standard only",
    },
    "concordance_reference": {
        "zh": "差异以 {std_no} 的定义为参照",
        "en": "differences are marked against {std_no}",
    },
    "concordance_variant": {"zh": "定义组", "en": "Variant"},
    "concordance_variant_n": {
        "zh": "定义 {label}（{n} 处）",
        "en": "Definition {label}, as printed in {n} place(s)",
    },
    "concordance_same": {"zh": "参照定义", "en": "the reference definition"},
    "concordance_ref": {"zh": "参照", "en": "reference"},
    "definitions_differ": {"zh": "定义不一致", "en": "definitions differ"},
    "definitions_agree": {"zh": "定义一致", "en": "definitions agree"},
    "concordance_link": {
        "zh": "在 {n} 项标准中对照",
        "en": "Compare across {n} standards",
    },
    # citation health: the /reports/citations report and the references on a standard page
    "citations_nav": {"zh": "引用健康", "en": "Citation health"},
    "citations_title": {"zh": "引用健康报告", "en": "Citation health"},
    "citations_intro": {
        "zh": "现行和即将实施的标准中，规范性引用文件指向已被代替或已废止版本的引用。"
        "注日期的引用仅适用所注版本，该版本被代替或废止即为过时；不注日期的引用适用其最新版本，"
        "仅当该标准所有版本均已被代替或废止时才为过时。",
        "en": "Current and forthcoming standards whose normative references point to an"
        " edition that is superseded or withdrawn. A dated reference means that edition only,"
        " so it is outdated once the edition is superseded or withdrawn; an undated reference"
        " means the latest edition, so it is outdated only when every edition is.",
    },
    "citations_all": {"zh": "全部", "en": "All"},
    "citations_sort": {"zh": "排序", "en": "Sort"},
    "citations_sort.std_no": {"zh": "按标准号", "en": "by number"},
    "citations_sort.outdated": {"zh": "按过时引用数", "en": "by outdated references"},
    "citations_sort.issued": {"zh": "按发布日期（新的在前）", "en": "by issue date, newest first"},
    "citations_apply": {"zh": "筛选", "en": "Apply"},
    "citations_summary": {
        "zh": "检查了 {current} 项现行或即将实施标准的 {references} 条规范性引用："
        "{citing} 项标准共有 {outdated} 条引用指向已被代替或已废止的版本。",
        "en": "Checked {references} normative references of {current} current or forthcoming"
        " standards: {citing} standards make {outdated} references to superseded or withdrawn"
        " editions.",
    },
    "citations_download": {"zh": "下载", "en": "Download"},
    "citations_none": {
        "zh": "没有发现引用已被代替或已废止版本的现行标准。",
        "en": "No current standard cites a superseded or withdrawn edition.",
    },
    "citations_count": {"zh": "{n} 条过时引用", "en": "outdated references: {n}"},
    "citations_cited": {"zh": "引用文件", "en": "Cited document"},
    "citations_clauses": {"zh": "引用所在条款", "en": "Cited in clauses"},
    "citations_cited_status": {"zh": "被引版本状态", "en": "Status of the cited edition"},
    "citations_replacement": {"zh": "代替情况", "en": "Replaced by"},
    "citations_open": {"zh": "查看", "en": "open"},
    "citations_dated": {"zh": "注日期引用", "en": "dated reference"},
    "citations_undated": {
        "zh": "不注日期引用（适用最新版本）",
        "en": "undated: the latest edition",
    },
    "citations_since": {"zh": "自 {date}", "en": "since {date}"},
    "citations_effective": {"zh": "{date} 起实施", "en": "in force from {date}"},
    "citations_now": {"zh": "现行版本", "en": "Now"},
    "citations_no_replacement": {"zh": "无代替标准", "en": "no replacement"},
    "ref_replaced": {"zh": "已被代替", "en": "superseded"},
    "ref_withdrawn": {"zh": "已废止", "en": "withdrawn"},
    "ref_resolves_to": {
        "zh": "不注日期的引用适用最新版本",
        "en": "an undated reference means the latest edition",
    },
    # The front door and browsing: the home page, /browse/… trees and the /std list
    "browse_nav": {"zh": "分类浏览", "en": "Browse"},
    "browse_by": {"zh": "浏览：", "en": "Browse by:"},
    "browse_all": {"zh": "全部标准", "en": "All standards"},
    "browse_ics": {"zh": "国际标准分类（ICS）", "en": "ICS classification"},
    "browse_ccs": {"zh": "中国标准文献分类（CCS）", "en": "CCS classification"},
    "browse_region": {"zh": "地区", "en": "Region"},
    "browse_level": {"zh": "层级与性质", "en": "Level and kind"},
    "browse_body": {"zh": "发布机构", "en": "Issuing body"},
    "browse_year": {"zh": "年份", "en": "Year"},
    "browse_ics_why": {
        "zh": "按封面所印 ICS 分类号的领域和组浏览。",
        "en": "By the fields and groups of the ICS codes printed on the covers.",
    },
    "browse_ccs_why": {
        "zh": "按《中国标准文献分类法》一级类目及封面所印的分类号浏览。",
        "en": "By the first-level classes of the Chinese Standard Classification (CCS) and the"
        " codes printed on the covers.",
    },
    "browse_region_why": {
        "zh": "地方标准（DB）按省、自治区、直辖市浏览。",
        "en": "Local standards (DB) by province, autonomous region and municipality.",
    },
    "browse_level_why": {
        "zh": "国家、行业、地方、团体和企业标准，以及强制性、推荐性和指导性。",
        "en": "National, industry, local, group and enterprise standards; mandatory,"
        " recommended and guidance.",
    },
    "browse_body_why": {
        "zh": "按封面所印的发布机构浏览（联合发布的标准在每个机构下各计一次）。",
        "en": "By the issuing bodies printed on the covers (a joint issue counts under each).",
    },
    "browse_adoption": {"zh": "采标", "en": "Adoption"},
    "browse_adoption_why": {
        "zh": "按所采用国际标准的发布组织及一致性程度（IDT 等同、MOD 修改、NEQ 非等效）浏览。",
        "en": "By the international body whose standard is adopted, and the degree of"
        " correspondence (IDT identical, MOD modified, NEQ not equivalent).",
    },
    "browse_year_why": {
        "zh": "按标准号中的年份浏览。",
        "en": "By the year in the standard's number.",
    },
    "browse_total": {"zh": "共 {n} 项标准", "en": "Standards: {n}"},
    "browse_unclassified": {"zh": "未分类 {n} 项", "en": "without a class: {n}"},
    "browse_none": {"zh": "暂无。", "en": "None."},
    "browse_unknown": {"zh": "未注明", "en": "Not stated"},
    "browse_not_local": {"zh": "非地方标准", "en": "Not local"},
    "browse_ics_source": {
        "zh": "ICS 由国际标准化组织（ISO）发布；中文类名依照国际标准分类法（ICS）中文版。",
        "en": "The ICS is published by ISO; the Chinese names follow the Chinese edition of"
        " the ICS used with GB standards.",
    },
    "browse_csv": {"zh": "导出 CSV", "en": "Export CSV"},
    "browse_sort_number": {"zh": "标准号", "en": "Number"},
    "browse_sort_title": {"zh": "标准名称", "en": "Title"},
    "browse_sort_date": {"zh": "发布日期", "en": "Issued"},
    "browse_sort_status": {"zh": "状态", "en": "Status"},
    "browse_filter_status": {"zh": "状态", "en": "Status"},
    "browse_filter_level": {"zh": "层级", "en": "Level"},
    "browse_filter_kind": {"zh": "性质", "en": "Kind"},
    "browse_filter_region": {"zh": "地区", "en": "Region"},
    "browse_filter_ics": {"zh": "ICS", "en": "ICS"},
    "browse_filter_ccs": {"zh": "CCS", "en": "CCS"},
    "browse_filter_year": {"zh": "年份", "en": "Year"},
    "browse_filter_prefix": {"zh": "代号", "en": "Prefix"},
    "browse_filter_std": {"zh": "标准", "en": "Standard"},
    "browse_filter_body": {"zh": "发布机构", "en": "Issuing body"},
    "no_such_browse": {"zh": "没有“{kind}”这种分类浏览", "en": "No browsing by {kind}"},
    "home_library": {"zh": "馆藏 {n} 项标准", "en": "The library: {n} standards"},
    "home_upcoming": {"zh": "即将实施（90 天内）", "en": "Coming into force within 90 days"},
    "home_recently_added": {"zh": "最近入库", "en": "Recently added"},
    "home_recently_ended": {"zh": "最近废止或被代替", "en": "Recently withdrawn or superseded"},
    "home_added": {"zh": "入库", "en": "added"},
    "home_since": {"zh": "自", "en": "since"},
    "browse_show_empty": {"zh": "显示没有标准的类目", "en": "Show the empty classes"},
    "browse_hide_empty": {"zh": "只显示有标准的类目", "en": "Show only classes with standards"},
    # -- list checking, watch lists and change feeds (/check, /watch, /feeds) --
    "check_nav": {"zh": "标准清单核对", "en": "Check a list"},
    "check_title": {"zh": "标准清单核对", "en": "Check a list of standards"},
    "check_help": {
        "zh": "每行一个标准号，任意写法均可（全角、缺斜杠、空格、无年号、小写）；也可上传 .txt 或 .csv 文件（第一列，或列名为“标准号”的列）。",
        "en": "One standard number a line, in any spelling (full-width, no slash, spaces,"
        " no year, lower case); or upload a .txt or .csv file (its first column, or the"
        " column headed number).",
    },
    "check_numbers_label": {"zh": "标准号（每行一个）", "en": "Standard numbers, one a line"},
    "check_file_label": {"zh": "或上传文件（.txt / .csv）", "en": "Or upload a file (.txt / .csv)"},
    "check_submit": {"zh": "核对", "en": "Check"},
    "check_result": {"zh": "核对结果", "en": "Result of the check"},
    "check_counts": {
        "zh": "共 {lines} 行：馆藏 {found} 项，未找到 {not_found} 项",
        "en": "Lines: {lines} · in the library: {found} · not found: {not_found}",
    },
    "check_typed": {"zh": "输入", "en": "As typed"},
    "check_found": {"zh": "馆藏", "en": "In library"},
    "check_standard": {"zh": "匹配标准", "en": "Standard matched"},
    "check_replaced_by": {"zh": "代替标准", "en": "Replaced by"},
    "check_newer": {"zh": "馆藏新版本", "en": "Newer edition held"},
    "check_yes": {"zh": "有", "en": "yes"},
    "check_no": {"zh": "未找到", "en": "not found"},
    "check_other_edition": {"zh": "仅有其他版本", "en": "other edition only"},
    "check_since": {"zh": "自 {date}", "en": "since {date}"},
    "check_download_csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "check_download_xlsx": {"zh": "下载 Excel", "en": "Download Excel"},
    "check_download_json": {"zh": "JSON", "en": "JSON"},
    "check_no_numbers": {
        "zh": "请输入或上传至少一个标准号。",
        "en": "Type or upload at least one number.",
    },
    "check_bad_file": {
        "zh": "只接受 .txt 或 .csv 文件。",
        "en": "Only .txt and .csv files are read.",
    },
    "check_file_too_large": {"zh": "文件不能超过 2 MB。", "en": "The file may be at most 2 MB."},
    "watch_save": {"zh": "保存为关注清单", "en": "Save as a watch list"},
    "watch_save_help": {
        "zh": "无需登录；得到一个私密链接和订阅源，请妥善保存。",
        "en": "No account needed: you get a private link and a feed; keep the link.",
    },
    "watch_title": {"zh": "关注清单", "en": "Watch list"},
    "watch_help": {
        "zh": "创建于 {created}。此页显示清单中各标准的当前状态；订阅源报告其变化（含新版本）。",
        "en": "Created {created}. This page shows each number as the library has it now;"
        " the feed reports its changes, new editions included.",
    },
    "watch_feed_link": {
        "zh": "订阅此清单的变更（Atom）",
        "en": "Feed of this list's changes (Atom)",
    },
    "feed_search_link": {
        "zh": "订阅此检索结果的变更（Atom）",
        "en": "Feed of changes to these results (Atom)",
    },
    "feed_library_link": {
        "zh": "全部馆藏变更订阅（Atom）",
        "en": "Feed of all library changes (Atom)",
    },
    "feed_title_library": {"zh": "馆藏标准变更", "en": "Changes in the library"},
    "feed_title_search": {
        "zh": "检索“{query}”的标准变更",
        "en": "Changes to standards found by: {query}",
    },
    "feed_title_watch": {
        "zh": "关注清单（{n} 项）的变更",
        "en": "Changes to a watch list ({n} numbers)",
    },
    "change_kind.new_standard": {"zh": "新入藏标准", "en": "new standard"},
    "change_kind.new_edition": {"zh": "新版本入藏", "en": "new edition"},
    "change_kind.status_change": {"zh": "状态变更", "en": "status changed"},
    "change_kind.replaced": {"zh": "被代替", "en": "replaced"},
    "change_kind.withdrawn": {"zh": "废止", "en": "withdrawn"},
    "change_kind.correction": {"zh": "信息更正", "en": "corrected"},
    "change_summary.new_standard": {"zh": "{new} 入藏。", "en": "{new} is in the library."},
    "change_summary.new_edition": {
        "zh": "新版本 {new} 入藏；馆藏其他版本：{old}。",
        "en": "New edition {new}; other editions held: {old}.",
    },
    "change_summary.replaced": {
        "zh": "被 {new} 代替（此前：{old}）。",
        "en": "Replaced by {new} (before: {old}).",
    },
    "change_summary.status_change": {
        "zh": "状态由 {old} 变为 {new}。",
        "en": "Status changed from {old} to {new}.",
    },
    "change_summary.withdrawn": {
        "zh": "状态由 {old} 变为 {new}。",
        "en": "Status changed from {old} to {new}.",
    },
    "change_summary.correction": {
        "zh": "{field}：由 {old} 改为 {new}。",
        "en": "{field}: {old} corrected to {new}.",
    },
    "change_by": {"zh": "（{source}，{at}）", "en": "({source}, {at})"},
    "change_source.ingest": {"zh": "入库", "en": "ingest"},
    "change_source.calendar": {"zh": "按实施日期", "en": "by the calendar"},
    # --- Adoption of international standards (采标) ---
    "adoption": {"zh": "采标", "en": "Adopts"},
    "degree": {"zh": "一致性程度", "en": "Degree of correspondence"},
    "IDT": {"zh": "IDT 等同采用", "en": "IDT identical"},
    "MOD": {"zh": "MOD 修改采用", "en": "MOD modified"},
    "NEQ": {"zh": "NEQ 非等效", "en": "NEQ not equivalent"},
    "EQV": {"zh": "EQV 等效采用", "en": "EQV equivalent"},
    "adoption_search": {
        "zh": "检索采用 {standard} 的标准",
        "en": "Standards that adopt {standard}",
    },
    # 标龄 and 复审 (lifecycle and review): the review report and a standard's age.
    "review_report": {"zh": "复审到期标准", "en": "Standards due for review"},
    "review_nav": {"zh": "复审报告", "en": "Review report"},
    "review_summary": {
        "zh": "截至 {today}，馆藏 {total} 项标准，其中现行 {current} 项；"
        "标龄超过 {years} 年、应复审的 {due} 项。",
        "en": "On {today}: {total} standards in the library, {current} in force; "
        "{due} of them in force for more than {years} years, due for review.",
    },
    "review_age": {"zh": "复审标龄（年）", "en": "Review age (years)"},
    "review_show": {"zh": "显示", "en": "Show"},
    "review_csv": {"zh": "导出 CSV", "en": "Export CSV"},
    "review_search": {"zh": "在检索中查看", "en": "See them in search"},
    "review_by_level": {"zh": "按层级", "en": "By level"},
    "review_by_issuer": {"zh": "按发布机构", "en": "By issuing body"},
    "review_due_count": {"zh": "复审到期", "en": "Due for review"},
    "review_joint_issuers": {
        "zh": "联合发布的标准列在每个发布机构之下。",
        "en": "A standard issued jointly is listed under each issuing body.",
    },
    "review_no_issuer": {"zh": "未注明发布机构", "en": "Issuing body not printed"},
    "review_none_due": {"zh": "没有复审到期的标准。", "en": "No standard is due for review."},
    "review_undated": {
        "zh": "现行但未印实施日期和发布日期（标龄未知）",
        "en": "In force, with neither an effective nor an issue date printed (age unknown)",
    },
    "std_title": {"zh": "标准名称", "en": "Title"},
    "implemented_on": {"zh": "实施日期", "en": "Effective from"},
    "age_years": {"zh": "标龄（年）", "en": "Age (years)"},
    "age_basis_issued": {
        "zh": "未印实施日期，按发布日期",
        "en": "no effective date printed: issue date",
    },
    "unknown": {"zh": "未知", "en": "Unknown"},
    "std_age": {"zh": "标龄", "en": "Age"},
    "std_age_value": {"zh": "{years} 年（自 {since} 起）", "en": "{years} years (since {since})"},
    "std_age_unknown": {"zh": "未知（未印实施日期和发布日期）", "en": "Unknown (no date printed)"},
    "review_due": {"zh": "复审到期", "en": "Due for review"},
    "review_due_title": {
        "zh": "现行已超过 {years} 年，应复审",
        "en": "In force for more than {years} years: due for review",
    },
    # --- Connecting platforms (sync) ---
    "sync_page": {"zh": "平台互联", "en": "Connected platforms"},
    "sync_intro": {
        "zh": "用 stdsearch sync --from URL 跟随其他平台的状态变更。本馆馆员的决定优先：与之不同的同步值列为冲突；对方有而本馆缺的标准列为采购候选。",
        "en": "stdsearch sync --from URL follows another platform's status changes. Local"
        " librarians' decisions win: synced values that differ are listed as conflicts;"
        " standards the other side holds and this library lacks are acquisition candidates.",
    },
    "sync_sources": {"zh": "跟随的平台", "en": "Followed platforms"},
    "sync_source": {"zh": "来源", "en": "Source"},
    "status_synced_from": {"zh": "同步自", "en": "synced from"},
    "sync_cursor": {"zh": "游标", "en": "Cursor"},
    "sync_last": {"zh": "上次同步", "en": "Last sync"},
    "sync_applied": {"zh": "已应用变更", "en": "Changes applied"},
    "sync_no_sources": {"zh": "尚未跟随任何平台。", "en": "No platform followed yet."},
    "sync_conflicts": {"zh": "冲突", "en": "Conflicts"},
    "sync_no_conflicts": {"zh": "没有冲突。", "en": "No conflicts."},
    "sync_field": {"zh": "字段", "en": "Field"},
    "sync_local_value": {"zh": "本馆的值", "en": "Local value"},
    "sync_remote_value": {"zh": "同步来的值", "en": "Synced value"},
    "sync_by": {"zh": "来自", "en": "by"},
    "sync_seen": {"zh": "时间", "en": "When"},
    "sync_candidates": {"zh": "采购候选", "en": "Acquisition candidates"},
    "sync_no_candidates": {"zh": "没有采购候选。", "en": "No acquisition candidates."},
    "sync_std_no": {"zh": "标准号", "en": "Standard number"},
    # -- bulk export and import (metadata-only records) --
    "text_not_held": {"zh": "未收录全文", "en": "Text not held"},
    "export_catalogue": {"zh": "导出全部目录（开放数据）", "en": "Whole catalogue (open data)"},
    "text_not_held_title": {
        "zh": "本库只有这项标准的题录（从其他目录导入），没有全文",
        "en": "The library has this standard's record (imported from another catalogue), not its text",
    },
    # Tables: tables of a standard on its pages, CSV download
    "tables": {"zh": "表格", "en": "Tables"},
    "table_label": {"zh": "表{no}", "en": "Table {no}"},
    "table_unnumbered": {"zh": "表", "en": "Table"},
    "table_units": {"zh": "单位：{units}", "en": "Units: {units}"},
    "table_csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "table_pages": {"zh": "第 {start}–{end} 页", "en": "pages {start}–{end}"},
    "table_ocr": {
        "zh": "由扫描页识别，可能有误",
        "en": "Read from a scanned page: may contain recognition errors",
    },
    "no_such_table": {
        "zh": "{std_no} 没有第 {number} 个表格。",
        "en": "{std_no} has no table {number}.",
    },
}


def translator(lang: str) -> Callable[..., str]:
    def t(key: str, **values) -> str:
        entry = LABELS.get(key, {})
        text = entry.get(lang) or entry.get("zh") or key
        return text.format(**values) if values else text

    return t
