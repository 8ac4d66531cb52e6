"""Countries and territories as the UN writes them (issue 19, item 6): the catalogue's one name
table, the provider spellings it maps, and the processed tables built from the snapshot."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import read_snapshot_csv
from un_names import non_un_names

from analysis import catalogue, countries, fmt
from analysis.live import codes

# Expected forms typed from UN M49 / UN DESA usage, not read from the table.
UN_FORMS = [
    ("Hong Kong", "China, Hong Kong SAR"), ("Hong Kong SAR, China", "China, Hong Kong SAR"),
    ("Macau", "China, Macao SAR"), ("Taiwan", "China, Taiwan Province of China"),
    ("South Korea", "Republic of Korea"), ("Korea, Rep.", "Republic of Korea"),
    ("North Korea", "Democratic People's Republic of Korea"), ("Vietnam", "Viet Nam"),
    ("Palestine", "State of Palestine"), ("West Bank and Gaza", "State of Palestine"),
    ("Moldova", "Republic of Moldova"), ("Turkey", "Türkiye"), ("Laos", "Lao People's "
                                                                  "Democratic Republic"),
    ("Syria", "Syrian Arab Republic"), ("Czech Republic", "Czechia"),
    ("Ivory Coast", "Côte d'Ivoire"), ("Swaziland", "Eswatini"), ("Tanzania",
                                                                "United Republic of Tanzania"),
    ("DR Congo", "Democratic Republic of the Congo"), ("Congo Republic", "Congo"),
    ("Bolivia", "Bolivia (Plurinational State of)"), ("Kyrgyz Republic", "Kyrgyzstan"),
    # UNODC GLOTIP submissions' spellings
    ("Kazakhistan", "Kazakhstan"), ("Kazahstan", "Kazakhstan"), ("KIRGUIZSTÁN", "Kyrgyzstan"),
    ("Rusia", "Russia"), ("Chino", "China"),
    # M49's full forms of the participants' short forms
    ("Russian Federation", "Russia"), ("Iran (Islamic Republic of)", "Iran"),
    ("United States of America", "United States"),
]


@pytest.mark.parametrize("label, un_form", UN_FORMS)
def test_provider_spellings_map_onto_the_un_names(label, un_form):
    assert catalogue.un_name_of_label(label) == un_form
    assert catalogue.un_name_of_label(f"  {label.upper()} ") == un_form  # case, spaces


def test_every_name_the_table_gives_is_unique():
    names = list(catalogue.UN_NAMES.values())
    assert len(names) == len(set(names))
    # a spelling never names one code while being another code's UN name
    for label, code in catalogue.NAME_VARIANTS.items():
        assert catalogue.iso3_of_label(label) == code, label
    assert not [n for n in names if non_un_names(n)]


def test_every_code_a_table_may_carry_has_a_name():
    for code in countries.known_codes():
        assert catalogue.un_name(code).strip(), code
    assert catalogue.un_name("KSV") == catalogue.un_name("XKX")  # RPW's code for Kosovo
    assert catalogue.un_name("CHI") == "Channel Islands"  # the World Bank's code
    with pytest.raises(KeyError, match="ZZZ"):
        catalogue.un_name("ZZZ")
    assert catalogue.un_name_of_label("Europe others") is None


def test_the_states_keep_their_short_forms_everywhere():
    for state in catalogue.STATES:
        assert catalogue.un_name(state.iso3) == state.name == fmt.name(state.iso3)
    assert fmt.name("VNM") == "Viet Nam"  # any code, not only the catalogue's states


def test_provider_name_lookups_read_the_table_before_country_converter():
    found = codes.names_to_iso3(["Kazakhistan", "GUINEA ECUATORIAL", "Germany",
                                 "Europe others"])
    # country_converter alone reads "GUINEA ECUATORIAL" as Guinea
    assert found == {"Kazakhistan": "KAZ", "GUINEA ECUATORIAL": "GNQ", "Germany": "DEU",
                     "Europe others": None}


def test_names_in_the_processed_tables_are_the_un_names(built_root):
    names = pd.read_parquet(built_root.country_names)
    assert (names["name"] == names["iso3"].map(catalogue.un_name)).all()
    assert not [n for n in names["name"] if non_un_names(n)]
    shown = dict(zip(names["iso3"], names["name"], strict=True))
    assert shown["HKG"] == "China, Hong Kong SAR" and shown["KOR"] == "Republic of Korea"


def test_unodc_citizenship_labels_are_written_as_the_un_names(built_root, snapshot_dir):
    table = pd.read_parquet(built_root.processed / "trafficking_breakdowns.parquet")
    named = table[table["category_iso3"] != ""]
    assert (named["category"] == named["category_iso3"].map(catalogue.un_name)).all()
    assert not [c for c in named["category"].unique() if non_un_names(c)]
    # Türkiye's 2018 submission spells Kazakhstan "Kazakhistan": 7 victims, from the raw file
    raw = read_snapshot_csv(snapshot_dir, "unodc/glotip.csv")
    spelled = raw[(raw["Iso3_code"] == "TUR") & (raw["Year"] == 2018)
                  & (raw["Dimension"] == "by citizenship") & (raw["Category"] == "Kazakhistan")
                  & (raw["Sex"] == "Total") & (raw["Age"] == "Total")]
    row = table[(table["iso3"] == "TUR") & (table["year"] == 2018)
                & (table["dimension"] == "by citizenship") & (table["category_iso3"] == "KAZ")
                & (table["sex"] == "Total") & (table["age"] == "Total")]
    assert list(row["category"]) == ["Kazakhstan"]
    assert float(row["value"].iloc[0]) == float(spelled["txtVALUE"].iloc[0]) == 7.0
    # labels that name no country keep the provider's text
    assert "Europe others" in set(table.loc[table["category_iso3"] == "", "category"])


def test_long_un_names_take_two_even_lines_on_a_chart(tmp_path):
    import matplotlib.pyplot as plt

    from analysis import plotting

    chart = plotting.new_chart("Corridors", "US$", "Source: test.")
    uk, korea = catalogue.un_name("GBR"), catalogue.un_name("PRK")
    chart.ax.barh([0, 1, 2], [1.0, 2.0, 3.0], label=korea)
    chart.ax.set_yticks([0, 1, 2], [uk, "Germany", "China, Hong Kong SAR"], fontsize=7)
    chart.ax.legend()
    plotting.save(chart, tmp_path, "corridors", ["png"])
    ticks = [t.get_text() for t in chart.ax.get_yticklabels()]
    assert ticks == ["United Kingdom of Great\nBritain and Northern Ireland", "Germany",
                     "China, Hong Kong SAR"]
    assert all(t.get_fontsize() == 7 for t in chart.ax.get_yticklabels())
    legend = [t.get_text() for t in chart.ax.get_legend().get_texts()]
    assert legend == ["Democratic People's\nRepublic of Korea"]
    plt.close(chart.fig)
