"""The names people cite each shipped statute by, in one table (citation jump, search, bank basis).

Keys are slug families: a slug without its version year (administrative-penalty-law-2021 ->
administrative-penalty-law), so an alias always resolves to the version in force.
"""

import re

ALIASES: dict[str, tuple[str, ...]] = {
    "constitution": ("宪法", "中国宪法", "现行宪法", "国家宪法"),
    "civil-servant-law": ("公务员法",),
    "administrative-penalty-law": ("行政处罚法", "处罚法", "新处罚法", "新行政处罚法"),
    "administrative-reconsideration-law": ("行政复议法", "复议法", "新复议法", "新行政复议法"),
    "administrative-licensing-law": ("行政许可法", "许可法"),
    "administrative-compulsion-law": ("行政强制法", "强制法"),
    "administrative-litigation-law": ("行政诉讼法", "行诉法"),
    "state-compensation-law": ("国家赔偿法", "国赔法", "赔偿法"),
    "supervision-law": ("监察法", "国家监察法"),
    "public-officials-sanctions-law": ("公职人员政务处分法", "政务处分法", "处分法"),
    "legislation-law": ("立法法",),
    "people-mediation-law": ("人民调解法", "调解法"),
    "land-administration-law": ("土地管理法", "土地法", "土管法"),
    "narcotics-control-law": ("禁毒法",),
    # 信访工作条例 (2022) replaced 信访条例 (2005); people still cite the old name.
    "petition-work-regulations": ("信访工作条例", "信访条例"),
    "government-information-disclosure-regulations": ("政府信息公开条例", "信息公开条例", "政府信息公开规定"),
}

# Statutes outside the library whose names end with one of the aliases above: never a short form.
OTHER_LAWS = ("治安管理处罚法", "刑事诉讼法", "民事诉讼法", "环境信息公开条例", "劳动争议调解仲裁法")

_YEAR = re.compile(r"-\d{4}$")


def family(slug: str) -> str:
    """administrative-penalty-law-2021 -> administrative-penalty-law."""
    return _YEAR.sub("", slug)


def alias_names(slug_in_force: dict[str, str]) -> dict[str, str]:
    """Map every alias to the slug in force of its family (families not in the library are left out)."""
    names: dict[str, str] = {}
    for fam, aliases in ALIASES.items():
        slug = slug_in_force.get(fam)
        if slug is not None:
            names.update({alias: slug for alias in aliases})
    return names


def is_other_law(name: str) -> bool:
    """True when a cited name is a statute outside the library that merely ends like an alias."""
    return name.endswith(OTHER_LAWS)
