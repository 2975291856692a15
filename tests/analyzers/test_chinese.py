"""The Chinese analyzers: positions, offsets, standard numbers, and real Whoosh searches."""

from __future__ import annotations

import pickle

import pytest
from whoosh import fields, index
from whoosh.filedb.filestore import RamStorage
from whoosh.qparser import MultifieldParser, QueryParser

from analyzers.chinese import (
    BigramTokenizer,
    ChineseStopFilter,
    ChineseTokenizer,
    bigram_analyzer,
    initialize,
    load_user_words,
    query_bigram_analyzer,
    query_word_analyzer,
    std_no_analyzer,
    word_analyzer,
)
from analyzers.segmenter import clean_user_word, segmenter, user_words
from analyzers.tokenizers import fold_for_tokens, subwords


@pytest.fixture(scope="module", autouse=True)
def jieba_ready():
    initialize()


def tokens(analyzer, text, **kwargs):
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in analyzer(text, positions=True, chars=True, **kwargs)
    ]


def texts(analyzer, text, **kwargs):
    return [t.text for t in analyzer(text, **kwargs)]


CLAUSE = "5.1 文后参考文献的著录规则按GB/T\u30001.1\u20142020执行，限值为0.5 mg/L，pH值6～9，ICS 13.040.40。"


# -- positions and offsets -------------------------------------------------------------


def test_precise_positions_are_token_indexes():
    found = tokens(word_analyzer(mode="precise"), CLAUSE)
    heads = [pos for _, pos, _, _ in found]
    assert sorted(set(heads)) == list(range(len(set(heads))))
    assert heads == sorted(heads)


def test_search_mode_stacks_subwords_on_their_word():
    found = tokens(word_analyzer(), "食品添加剂的使用")
    assert ("食品", 0, 0, 2) in found
    assert ("添加剂", 1, 2, 5) in found
    assert ("添加", 1, 2, 4) in found  # same position as 添加剂
    assert ("使用", 2, 6, 8) in found  # 的 dropped, position closed up
    assert sorted({pos for _, pos, _, _ in found}) == [0, 1, 2]


def test_offsets_point_into_the_text_as_given():
    for text, pos, start, end in tokens(word_analyzer(), CLAUSE):
        folded, _ = fold_for_tokens(CLAUSE[start:end])
        original = "".join(folded.split()).lower()
        if pos is not None and text.isalpha() and text.isascii():
            assert text in original
        assert start < end


def test_offsets_survive_expanding_compatibility_characters():
    value = "Ⅲ类水域 5㎎/L"
    found = tokens(word_analyzer(mode="precise"), value)
    by_text = {text: value[start:end] for text, _, start, end in found}
    assert by_text["iii"] == "Ⅲ"
    assert by_text["类"] == "类"
    assert by_text["水域"] == "水域"
    assert by_text["mg/l"] == "5㎎/L"  # the unit of a quantity is a part of it


def test_line_breaks_and_letter_spacing_inside_chinese_are_ignored():
    value = "文后参考\n文献的著录\u3000规则 A 类"
    found = tokens(word_analyzer(mode="precise"), value)
    by_text = {text: value[start:end] for text, _, start, end in found}
    assert by_text["参考文献"] == "参考\n文献"
    assert by_text["著录规则"] == "著录\u3000规则"
    assert "a" in by_text and "类" in by_text


def test_start_pos_and_start_char_are_honoured():
    found = tokens(word_analyzer(mode="precise"), "标准文本", start_pos=10, start_char=100)
    assert found[0][1] == 10
    assert found[0][2] == 100


# -- what jieba's own ChineseAnalyzer gets wrong ----------------------------------------------


def test_single_letters_and_digits_are_kept():
    words = texts(word_analyzer(), "GB/T 为推荐性标准，见第5.1条和附录A，共3项")
    assert "gb/t" in words and "t" in words
    assert "5.1" in words
    assert "a" in words and "3" in words
    assert "5.1" in texts(bigram_analyzer(), "见第5.1条")


def test_numbers_codes_and_units_survive():
    words = texts(word_analyzer(), CLAUSE)
    for expected in ["5.1", "0.5", "mg/l", "ph", "13.040.40", "ics", "6", "9"]:
        assert expected in words
    assert "mg" in words and "l" in words  # parts of mg/L, for `mg L` typed apart


def test_latin_words_are_lower_cased_and_split_at_digits():
    words = texts(word_analyzer(), "采用RS485接口与VOCs监测")
    assert "rs485" in words and "rs" in words and "485" in words
    assert "vocs" in words


# -- standard numbers -----------------------------------------------------------------------


def test_standard_number_is_one_token_with_its_variants():
    found = tokens(word_analyzer(), "按GB/T\u30001.1\u20142020执行")
    at_number = {text for text, pos, _, _ in found if pos == 1}
    assert {"gb/t1.1-2020", "gb/t1.1", "gbt1.1", "gb/t", "t", "2020"} <= at_number
    assert [pos for text, pos, _, _ in found if text == "执行"] == [2]
    start, end = next((s, e) for text, _, s, e in found if text == "gb/t1.1-2020")
    assert "按GB/T\u30001.1\u20142020执行"[start:end] == "GB/T\u30001.1\u20142020"


def test_query_gives_one_token_per_standard_number():
    assert texts(word_analyzer(), "GB/T 1.1-2020", mode="query") == ["gb/t1.1-2020"]
    assert texts(word_analyzer(), "gbt1.1", mode="query") == ["gb/t1.1"]
    assert texts(word_analyzer(), "gb t 28181", mode="query") == ["gb/t28181"]
    assert texts(word_analyzer(), "ＧＢ／Ｔ　７７１４—２０１５", mode="query") == ["gb/t7714-2015"]


def test_std_no_analyzer_indexes_variants_and_reads_typed_numbers():
    analyzer = std_no_analyzer()
    indexed = tokens(analyzer, "GB/T 7714-2015")
    assert {"gb/t7714-2015", "gbt7714", "gb7714", "7714"} <= {text for text, *_ in indexed}
    assert {pos for _, pos, _, _ in indexed} == {0}
    for typed, key in [
        ("gbt 7714", "gb/t7714"),
        ("ＧＢ／Ｔ７７１４—２０１５", "gb/t7714-2015"),
        ("jt/t808", "jt/t808"),
        ("GB14554-93", "gb14554-1993"),
    ]:
        assert texts(analyzer, typed, mode="query") == [key]
    assert texts(analyzer, "not a number", mode="query") == ["notanumber"]


# -- stop words -----------------------------------------------------------------------------


def test_question_words_are_dropped_from_queries_only():
    query = "新建燃气锅炉的烟囱最低要求多高"
    assert texts(word_analyzer(), query, mode="query") == [
        "新建",
        "燃气锅炉",
        "烟囱",
        "最低",
        "要求",
    ]
    assert "是否" in texts(word_analyzer(), "检查是否符合要求")
    assert "是否" not in texts(word_analyzer(), "检查是否符合要求", mode="query")
    assert texts(query_word_analyzer(), "怎么著录") == ["著录"]


def test_stop_filter_keeps_stacked_tokens_together():
    analyzer = ChineseTokenizer() | ChineseStopFilter(stop_words={"的"}, query_stop_words=())
    found = tokens(analyzer, "的食品添加剂的的使用")
    assert [(text, pos) for text, pos, _, _ in found] == [
        ("食品", 0),
        ("添加剂", 1),
        ("添加", 1),
        ("使用", 2),
    ]


# -- bigrams ---------------------------------------------------------------------------------


def test_bigrams_overlap_and_single_characters_stay():
    found = tokens(bigram_analyzer(), "著录规则，铊，GB/T 7714")
    assert [(text, pos) for text, pos, *_ in found[:4]] == [
        ("著录", 0),
        ("录规", 1),
        ("规则", 2),
        ("铊", 3),
    ]
    assert found[4][0] == "gb/t7714"


def test_bigrams_skip_particles_outside_words():
    assert texts(bigram_analyzer(), "文献的著录") == ["文献", "著录"]
    assert texts(bigram_analyzer(), "试验目的和要求") == ["试验", "验目", "目的", "要求"]
    assert texts(bigram_analyzer(), "为了了解") == ["为了", "了了", "了解"]


def test_bigram_query_is_cut_at_stop_words():
    assert texts(query_bigram_analyzer(), "参考文献的作者应该怎么著录") == [
        "参考",
        "考文",
        "文献",
        "作者",
        "著录",
    ]
    # 的 inside a word is not a particle.
    assert "目的" in texts(query_bigram_analyzer(), "试验目的")


def test_bigram_unigrams_option():
    found = tokens(BigramTokenizer(unigrams=True), "铊工业")
    assert [(text, pos) for text, pos, *_ in found] == [
        ("铊工", 0),
        ("铊", 0),
        ("工业", 1),
        ("工", 1),
        ("业", 1),
    ]


# -- a real index ------------------------------------------------------------------------------

DOCS = [
    ("d1", "本标准规定了食品添加剂的使用原则。"),
    ("d2", "本部分规定了各个学科、各种类型出版物的文后参考文献的著录规则。"),
    ("d3", "著录项目由著录者确定；参考文献表按顺序编排。"),
    ("d4", "编写应符合GB/T\u30001.1\u20142020的规定。"),
    ("d5", "燃气锅炉烟囱高度不低于8 m。"),
]


def _schema():
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        text=fields.TEXT(analyzer=word_analyzer(), stored=True, chars=True),
        grams=fields.TEXT(analyzer=bigram_analyzer()),
        std_no=fields.KEYWORD(analyzer=std_no_analyzer()),
    )


def _fill(ix):
    with ix.writer() as writer:
        for doc_id, text in DOCS:
            writer.add_document(id=doc_id, text=text, grams=text)
        writer.add_document(id="std", std_no="GB/T 7714-2015")


@pytest.fixture(scope="module")
def ram_index():
    ix = RamStorage().create_index(_schema())
    _fill(ix)
    return ix


def search(ix, field, query):
    with ix.searcher() as searcher:
        q = QueryParser(field, ix.schema).parse(query)
        return sorted(hit["id"] for hit in searcher.search(q, limit=None))


def test_subword_query_finds_the_longer_word(ram_index):
    assert search(ram_index, "text", "添加") == ["d1"]
    assert search(ram_index, "grams", "添加") == ["d1"]


def test_phrase_matches_across_particles_and_not_words_apart(ram_index):
    assert search(ram_index, "text", '"参考文献的著录"') == ["d2"]
    assert search(ram_index, "text", '"参考文献著录"') == ["d2"]
    assert search(ram_index, "text", "参考文献 著录") == ["d2", "d3"]
    assert search(ram_index, "grams", '"文献的著录"') == ["d2"]
    assert search(ram_index, "grams", '"文献著录"') == []  # 献著 is in no document
    assert search(ram_index, "grams", '"参考文献"') == ["d2", "d3"]


def test_standard_number_found_however_typed(ram_index):
    for typed in ["GB/T 1.1-2020", '"GB/T 1.1-2020"', "gbt1.1", "GB/T1.1", "gb/t 1.1—2020"]:
        assert search(ram_index, "text", typed) == ["d4"], typed
    for typed in ["gbt7714", "GB/T7714—2015", "ｇｂ７７１４"]:
        assert search(ram_index, "std_no", typed) == ["std"], typed


def test_question_words_do_not_block_a_natural_query(ram_index):
    # An AND of every word: 多高 and 的 would otherwise have to be in the clause.
    assert search(ram_index, "text", "燃气锅炉的烟囱多高") == ["d5"]
    assert search(ram_index, "grams", "燃气锅炉的烟囱多高") == ["d5"]
    with ram_index.searcher() as searcher:
        parser = MultifieldParser(["text", "grams"], ram_index.schema)
        hits = searcher.search(parser.parse("烟囱高度怎么规定"))
        assert [hit["id"] for hit in hits] == []  # 规定 is not a stop word
        hits = searcher.search(parser.parse("烟囱高度是多少"))
        assert [hit["id"] for hit in hits] == ["d5"]


@pytest.mark.parametrize(
    "query, marked", [("添加剂", "添加剂"), ("添加", "添加"), ("gbt1.1", "GB/T")]
)
def test_highlights_land_on_the_matched_text(ram_index, query, marked):
    with ram_index.searcher() as searcher:
        q = QueryParser("text", ram_index.schema).parse(query)
        hit = searcher.search(q)[0]
        highlighted = hit.highlights("text")
        assert f">{marked}" in highlighted, highlighted


def test_index_reopens_with_pickled_analyzers(tmp_path):
    ix = index.create_in(tmp_path, _schema())
    _fill(ix)
    reopened = index.open_dir(tmp_path)
    assert search(reopened, "text", '"参考文献的著录"') == ["d2"]
    assert search(reopened, "text", "gbt1.1") == ["d4"]


# -- pickling ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [word_analyzer, query_word_analyzer, bigram_analyzer, query_bigram_analyzer, std_no_analyzer],
)
def test_analyzers_pickle_small_and_equal(make):
    analyzer = make()
    data = pickle.dumps(analyzer)
    assert len(data) < 4000  # no jieba dictionary inside
    copy = pickle.loads(data)
    assert copy == analyzer
    assert tokens(copy, CLAUSE) == tokens(analyzer, CLAUSE)


# -- the domain dictionary ----------------------------------------------------------------------


def test_user_words_change_segmentation():
    before = texts(word_analyzer(mode="precise"), "设立电镀专业园区")
    assert "电镀专业园区" not in before
    assert load_user_words(["电镀专业园区"]) == 1
    after = texts(word_analyzer(), "设立电镀专业园区")
    assert "电镀专业园区" in after
    assert "电镀" in after and "园区" in after  # still found as sub-words
    assert load_user_words(["电镀专业园区"]) == 0  # idempotent


def test_user_words_with_spaces_digits_and_hyphens():
    assert clean_user_word("术语 和 定义") == ["术语和定义"]
    assert clean_user_word("《超时重发机制》") == ["超时重发机制"]
    assert clean_user_word("著者-出版年制") == ["出版年制"]
    assert clean_user_word("运输指数（TI）的确定") == ["运输指数"]  # not 的确定
    assert clean_user_word("pH值") == []
    assert clean_user_word("GB/T 1.1") == []
    load_user_words(["著者-出版年制", "pH值", "3C认证", "GB/T 1.1"])
    assert "出版年制" in user_words()
    load_user_words(["著者"])
    assert "著者" not in user_words()  # jieba knows it already; left alone
    words = texts(word_analyzer(mode="precise"), "采用著者-出版年制")
    assert words[-2:] == ["著者", "出版年制"]


def test_analyzers_share_one_private_jieba():
    import jieba

    assert segmenter() is segmenter()
    assert segmenter() is not jieba.dt


def test_subwords_are_the_parts_of_a_word():
    assert subwords("食品添加剂") == ["食品", "添加剂", "添加"]
    assert subwords("燃气锅炉") == ["燃气", "锅炉"]  # not 气锅, a dictionary word too
    assert subwords("标准") == []


# -- real pages ---------------------------------------------------------------------------------


@pytest.mark.corpus
def test_gb_t_7714_2015_page_5_foreword(corpus_pdf):
    """The foreword cites standards with em dashes, clause numbers and Latin codes."""
    from indexer.pdf.extract import extract_pages

    (page,) = extract_pages(str(corpus_pdf("GB_T_7714-2015.pdf")), pages=[5])
    text = "\n".join(line.text for line in page.lines)
    found = tokens(word_analyzer(), text)
    words = {t for t, *_ in found}
    for expected in ["gb/t7714-2005", "gb/t1.1-2009", "gb/t28039-2011", "8.1.1", "6.1", "doi"]:
        assert expected in words, expected
    assert {"a", "cm", "ds", "z"} <= words  # the one- and two-letter type codes
    heads = sorted({pos for _, pos, _, _ in found})
    assert heads == list(range(len(heads)))
    for t, _, start, end in found:
        if t == "gb/t28039-2011":
            assert text[start:end] == "GB/T 28039—2011"

    ix = RamStorage().create_index(fields.Schema(text=fields.TEXT(analyzer=word_analyzer())))
    with ix.writer() as writer:
        writer.add_document(text=text)
    with ix.searcher() as searcher:
        parser = QueryParser("text", ix.schema)
        for query in ['"文后参考文献著录规则"', '"电子资源存取路径"', "GB/T 28039", "gbt7714"]:
            assert len(searcher.search(parser.parse(query))) == 1, query
