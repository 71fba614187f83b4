"""Topics of a trend: the people, organizations, places and key terms its coverage is about.

No language model: names are found the way an editor skims headlines.

* **Candidate names** are runs of capitalized words and acronyms ("Jesse Jackson", "Strait of
  Hormuz", "NATO"), joined across the connectors "of", "de", "al", "bin", ... A capital is
  trusted only where it carries meaning: mid-sentence in a sentence-case headline. The first word
  of a headline, and every word of a Title Case Headline, counts only if it is a known name
  (gazetteer below) or the trend's coverage capitalizes it mid-sentence elsewhere.
* **Kinds**: places from a gazetteer (countries, regions, large cities, US states, and
  geographic words such as "Strait", "Gulf", "Province"); organizations from a list of acronyms
  and well-known names and from words such as "Party", "Ministry", "Council", "Bank"; people from
  titles ("President", "Pope", "Sen.") stripped off the name, from common first names, from a
  short list of people constantly in the news, and by default for a run of two or three
  capitalized words; an unknown single capitalized word is a key term.
* **Deduplication**: one key per topic after folding case, accents, dots and possessives
  ("U.S." = "US" = "United States"; "Trump's" = "Trump"); demonyms map to their country
  ("Iranian" -> Iran); a lone surname joins the full name it ends ("Jackson" -> "Jesse Jackson").
* **Casing**: the most frequent spelling that is not in capitals, with connectors lowercased
  ("Strait Of Hormuz" -> "Strait of Hormuz"); acronyms stay in capitals; a name only ever seen in
  capitals is title-cased unless it is a known acronym.
* **Key phrases** (kind "term"): two-word phrases of lowercase content words used by 2+ of the
  headlines ("nuclear talks", "civil rights"), none of whose words is part of a name, ranked by
  headlines then centroid weight. A lone common word ("guiding", "charge", "released") and a lone
  capitalized word no gazetteer knows ("Now", "Mercies") are never topics.

Topics are ranked by the number of headlines that mention them (names before terms).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from headlinez.domain.terms import stem
from headlinez.models import Topic, TopicKind

MAX_TOPICS = 12
MAX_TERMS = 4
MIN_PHRASE_HEADLINES = 2  # a key phrase is used by at least two headlines of the trend

# Letters of any script (Łukasz, Владимир, 习近平 keep theirs), digits, and one-character marks.
_WORD = re.compile(r"[^\W_]+(?:['’.\-&][^\W_]+)*\.?|[^\s\w]|_")
_BREAK = frozenset(".!?:;\"“”|–—•-‘’'«»()[]{},/")
_CONNECTORS = frozenset(
    {
        "of",
        "de",
        "del",
        "la",
        "le",
        "al",
        "el",
        "bin",
        "van",
        "von",
        "da",
        "di",
        "du",
        "for",
        "and",
        "the",
        "on",
    }
)
# Connectors that may join two name words; 'and'/'for'/'the'/'on' only inside organization names.
_NAME_CONNECTORS = frozenset(
    {"of", "de", "del", "la", "le", "al", "el", "bin", "van", "von", "da", "di", "du"}
)
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)

_TITLE_CASE_SHARE = 0.6

# --- gazetteers (lowercase keys) -----------------------------------------------------------------



def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a gazetteer block."""
    return frozenset(text.split())


_COUNTRIES = """
afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan bahamas bahrain
bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia botswana brazil brunei bulgaria
burkina faso burundi cambodia cameroon canada chad chile china colombia comoros congo costa rica croatia
cuba cyprus czechia czech republic denmark djibouti dominica ecuador egypt el salvador eritrea estonia
eswatini ethiopia fiji finland france gabon gambia georgia germany ghana greece grenada guatemala guinea
guyana haiti honduras hungary iceland india indonesia iran iraq ireland israel italy ivory coast jamaica
japan jordan kazakhstan kenya kiribati kosovo kuwait kyrgyzstan laos latvia lebanon lesotho liberia libya
liechtenstein lithuania luxembourg madagascar malawi malaysia maldives mali malta mauritania mauritius mexico
micronesia moldova monaco mongolia montenegro morocco mozambique myanmar burma namibia nauru nepal
netherlands new zealand nicaragua niger nigeria north korea north macedonia norway oman pakistan palau
palestine panama papua new guinea paraguay peru philippines poland portugal qatar romania russia rwanda
samoa san marino saudi arabia senegal serbia seychelles sierra leone singapore slovakia slovenia somalia
south africa south korea south sudan spain sri lanka sudan suriname sweden switzerland syria taiwan
tajikistan tanzania thailand togo tonga trinidad tunisia turkey türkiye turkmenistan tuvalu uganda ukraine
united arab emirates uae united kingdom uk britain great britain england scotland wales northern ireland
united states usa us america uruguay uzbekistan vanuatu vatican venezuela vietnam yemen zambia zimbabwe
greenland puerto rico hong kong macau tibet
"""
_MULTIWORD_COUNTRIES = (
    "burkina faso",
    "costa rica",
    "czech republic",
    "el salvador",
    "ivory coast",
    "new zealand",
    "north korea",
    "north macedonia",
    "papua new guinea",
    "san marino",
    "saudi arabia",
    "sierra leone",
    "south africa",
    "south korea",
    "south sudan",
    "sri lanka",
    "united arab emirates",
    "united kingdom",
    "great britain",
    "northern ireland",
    "united states",
    "puerto rico",
    "hong kong",
)
_REGIONS_AND_CITIES = """
gaza west bank jerusalem tel aviv middle east europe asia africa latin america south america north america
caribbean arctic antarctica balkans baltics sahel kashmir crimea donbas kharkiv kyiv kiev odesa mariupol
moscow st petersburg beijing shanghai shenzhen tokyo osaka seoul pyongyang taipei manila jakarta bangkok
hanoi delhi new delhi mumbai kolkata chennai bengaluru karachi lahore islamabad peshawar kabul tehran
baghdad damascus beirut amman riyadh jeddah doha dubai abu dhabi ankara istanbul cairo tripoli tunis
algiers rabat casablanca lagos abuja nairobi addis ababa khartoum kinshasa johannesburg cape town pretoria
harare accra dakar london paris berlin madrid barcelona rome milan vienna brussels amsterdam geneva zurich
davos munich frankfurt hamburg warsaw prague budapest athens lisbon dublin stockholm oslo copenhagen
helsinki minsk bucharest belgrade sofia washington new york los angeles chicago houston miami boston
san francisco seattle atlanta dallas philadelphia detroit phoenix denver las vegas new orleans ottawa
toronto montreal vancouver mexico city havana caracas bogota lima santiago buenos aires montevideo
brasilia rio de janeiro sao paulo sydney melbourne brisbane perth adelaide canberra auckland wellington
hormuz red sea black sea south china sea persian gulf gulf mediterranean atlantic pacific
silicon valley wall street capitol hill cortina milan cortina sinai golan idlib aleppo mosul rafah
khan younis darfur tigray xinjiang hokkaido okinawa
alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii idaho
illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota
mississippi missouri montana nebraska nevada new hampshire new jersey new mexico north carolina
north dakota ohio oklahoma oregon pennsylvania rhode island south carolina south dakota tennessee texas
utah vermont virginia west virginia wisconsin wyoming
"""
_MULTIWORD_PLACES = (
    "west bank",
    "tel aviv",
    "middle east",
    "latin america",
    "south america",
    "north america",
    "st petersburg",
    "new delhi",
    "abu dhabi",
    "addis ababa",
    "cape town",
    "new york",
    "los angeles",
    "san francisco",
    "las vegas",
    "new orleans",
    "mexico city",
    "buenos aires",
    "rio de janeiro",
    "sao paulo",
    "red sea",
    "black sea",
    "south china sea",
    "persian gulf",
    "silicon valley",
    "wall street",
    "capitol hill",
    "khan younis",
    "new hampshire",
    "new jersey",
    "new mexico",
    "north carolina",
    "north dakota",
    "rhode island",
    "south carolina",
    "south dakota",
    "west virginia",
    "strait of hormuz",
)
_PLACE_WORDS = frozenset(
    {
        "strait",
        "sea",
        "gulf",
        "river",
        "island",
        "islands",
        "mountains",
        "mount",
        "province",
        "region",
        "county",
        "city",
        "valley",
        "bay",
        "lake",
        "ocean",
        "peninsula",
        "canal",
        "coast",
        "desert",
        "state",
        "territory",
        "district",
        "republic",
        "kingdom",
        "emirate",
        "square",
        "airport",
        "street",
        "land",
    }
)
_DEMONYMS = {
    "american": "United States",
    "americans": "United States",
    "british": "United Kingdom",
    "briton": "United Kingdom",
    "britons": "United Kingdom",
    "english": "England",
    "scottish": "Scotland",
    "welsh": "Wales",
    "irish": "Ireland",
    "french": "France",
    "german": "Germany",
    "germans": "Germany",
    "italian": "Italy",
    "spanish": "Spain",
    "portuguese": "Portugal",
    "dutch": "Netherlands",
    "belgian": "Belgium",
    "swiss": "Switzerland",
    "austrian": "Austria",
    "polish": "Poland",
    "czech": "Czechia",
    "hungarian": "Hungary",
    "romanian": "Romania",
    "greek": "Greece",
    "turkish": "Turkey",
    "russian": "Russia",
    "russians": "Russia",
    "ukrainian": "Ukraine",
    "ukrainians": "Ukraine",
    "belarusian": "Belarus",
    "swedish": "Sweden",
    "norwegian": "Norway",
    "danish": "Denmark",
    "finnish": "Finland",
    "chinese": "China",
    "japanese": "Japan",
    "korean": "Korea",
    "indian": "India",
    "indians": "India",
    "pakistani": "Pakistan",
    "afghan": "Afghanistan",
    "iranian": "Iran",
    "iranians": "Iran",
    "iraqi": "Iraq",
    "syrian": "Syria",
    "syrians": "Syria",
    "lebanese": "Lebanon",
    "israeli": "Israel",
    "israelis": "Israel",
    "palestinian": "Palestine",
    "palestinians": "Palestine",
    "saudi": "Saudi Arabia",
    "egyptian": "Egypt",
    "libyan": "Libya",
    "yemeni": "Yemen",
    "jordanian": "Jordan",
    "qatari": "Qatar",
    "emirati": "United Arab Emirates",
    "kenyan": "Kenya",
    "nigerian": "Nigeria",
    "ethiopian": "Ethiopia",
    "sudanese": "Sudan",
    "somali": "Somalia",
    "ghanaian": "Ghana",
    "south african": "South Africa",
    "mexican": "Mexico",
    "canadian": "Canada",
    "brazilian": "Brazil",
    "argentine": "Argentina",
    "argentinian": "Argentina",
    "colombian": "Colombia",
    "venezuelan": "Venezuela",
    "cuban": "Cuba",
    "chilean": "Chile",
    "peruvian": "Peru",
    "uruguayan": "Uruguay",
    "australian": "Australia",
    "australians": "Australia",
    "taiwanese": "Taiwan",
    "vietnamese": "Vietnam",
    "thai": "Thailand",
    "filipino": "Philippines",
    "indonesian": "Indonesia",
    "malaysian": "Malaysia",
    "bangladeshi": "Bangladesh",
    "nepali": "Nepal",
    "sri lankan": "Sri Lanka",
    "european": "Europe",
    "african": "Africa",
    "asian": "Asia",
    "arab": "Middle East",
    "gazan": "Gaza",
    "gazans": "Gaza",
}
_ALIASES = {
    "us": "United States",
    "u.s": "United States",
    "usa": "United States",
    "u.s.a": "United States",
    "america": "United States",
    "united states": "United States",
    "uk": "United Kingdom",
    "u.k": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "united kingdom": "United Kingdom",
    "eu": "European Union",
    "e.u": "European Union",
    "european union": "European Union",
    "un": "United Nations",
    "u.n": "United Nations",
    "united nations": "United Nations",
    "uae": "United Arab Emirates",
    "kiev": "Kyiv",
    "türkiye": "Turkey",
    "burma": "Myanmar",
    "hormuz strait": "Strait of Hormuz",
    "hormuz": "Strait of Hormuz",
    "zelenskyy": "Volodymyr Zelensky",
    "zelensky": "Volodymyr Zelensky",
    "dc": "Washington",
    "d.c": "Washington",
}
_ORGANIZATION_NAMES = """
nato un eu who imf wto opec nasa fbi cia nsa dhs doj sec fda cdc epa irs ice pentagon kremlin
white house congress senate parliament supreme court hamas hezbollah taliban houthis isis is al-qaeda
idf irgc guards bbc cnn nbc cbs abc npr reuters ap afp fox news new york times washington post
apple google alphabet microsoft amazon meta facebook instagram whatsapp tiktok x twitter youtube
tesla spacex openai anthropic nvidia intel amd samsung huawei sony netflix disney uber airbnb boeing
airbus toyota volkswagen bmw ford gm shell bp exxon chevron aramco gazprom pfizer moderna
goldman sachs jpmorgan citigroup blackrock berkshire hathaway federal reserve fed ecb bank of england
world bank g7 g20 brics asean african union arab league red cross unicef unesco unhcr icc icj
republicans democrats gop labour tories conservatives bjp anc fifa uefa ioc nfl nba mlb nhl
premier league olympics berlinale oscars grammys
"""
_ORG_WORDS = frozenset(
    {
        "party",
        "ministry",
        "council",
        "committee",
        "court",
        "bank",
        "university",
        "inc",
        "corp",
        "corporation",
        "company",
        "group",
        "agency",
        "commission",
        "department",
        "administration",
        "airlines",
        "airways",
        "association",
        "union",
        "federation",
        "foundation",
        "institute",
        "board",
        "office",
        "senate",
        "congress",
        "parliament",
        "police",
        "army",
        "navy",
        "forces",
        "guard",
        "guards",
        "authority",
        "service",
        "services",
        "organization",
        "organisation",
        "fund",
        "league",
        "club",
        "team",
        "times",
        "post",
        "news",
        "network",
        "media",
        "labs",
        "systems",
        "motors",
        "holdings",
        "capital",
        "partners",
        "tribunal",
        "assembly",
        "cabinet",
        "government",
        "bureau",
        "cup",
    }
)
_PERSON_TITLES = frozenset(
    {
        "president",
        "vice",
        "prime",
        "minister",
        "pm",
        "chancellor",
        "pope",
        "king",
        "queen",
        "prince",
        "princess",
        "sen",
        "senator",
        "rep",
        "representative",
        "gov",
        "governor",
        "mayor",
        "secretary",
        "general",
        "gen",
        "judge",
        "justice",
        "mr",
        "mrs",
        "ms",
        "dr",
        "sir",
        "dame",
        "lord",
        "lady",
        "ceo",
        "envoy",
        "ambassador",
        "leader",
        "speaker",
        "chief",
        "commissioner",
        "archbishop",
        "ayatollah",
        "sheikh",
        "emir",
        "sultan",
        "crown",
        "former",
        "late",
        "supreme",
        "interim",
        "acting",
        "deputy",
        "foreign",
        "defence",
        "defense",
        "finance",
        "opposition",
        "activist",
        "actor",
        "actress",
        "singer",
        "star",
        "coach",
        "striker",
        "director",
        "author",
    }
)
_FIRST_NAMES = _words(
    """
aaron abdul abdullah adam ahmed ahmad alan albert alex alexander alexandra ali alice alicia amanda amy ana
andrew andrea andrés angela anna anne anthony antonio ashley barack ben benjamin bernie beth bill bob boris
brian bruce carl carlos caroline catherine charles charlie chris christian christine christopher claire
claudia dan daniel david deborah dennis diana donald donna doug edward elizabeth elon emily emma emmanuel
eric erik fatima francis frank friedrich gavin george gisele greg hakeem hannah harry helen henry hillary
hunter ian isaac jack jacob james jamie jane janet jason javier jeff jennifer jeremy jerome jesse jessica
jim jimmy joe john jonathan jordan jose josé joseph josh joshua juan julia julian justin karen kamala
karl kate katherine keir kevin kim kristi larry laura lee leo lisa liz louis lucy luis marco marcus maria
marie mark martin mary matt matthew max michael michel michelle mike mohammed mohammad muhammad nancy
narendra natalie nathan nicholas nick nicolas nikki olaf oliver olivia pam patrick paul pedro pete peter
philip rachel ralph randy rebecca richard rishi rob robert roger ron ronald rosa ruth ryan sam samuel
sarah scott sergei sergey shinzo simon sophie stephen steve steven susan taylor thomas tilda tim timothy
tom tony ursula victor victoria viktor vivek vladimir volodymyr walter william xi yoon yuri zohran
alexei tarique jd recep masoud abbas
""",
)
_KNOWN_PEOPLE = {
    "trump": "Donald Trump",
    "biden": "Joe Biden",
    "putin": "Vladimir Putin",
    "netanyahu": "Benjamin Netanyahu",
    "xi": "Xi Jinping",
    "modi": "Narendra Modi",
    "macron": "Emmanuel Macron",
    "starmer": "Keir Starmer",
    "merz": "Friedrich Merz",
    "erdogan": "Recep Tayyip Erdogan",
    "khamenei": "Ali Khamenei",
    "musk": "Elon Musk",
    "harris": "Kamala Harris",
    "vance": "JD Vance",
    "rubio": "Marco Rubio",
    "obama": "Barack Obama",
    "lula": "Lula da Silva",
    "milei": "Javier Milei",
    "sheinbaum": "Claudia Sheinbaum",
    "maduro": "Nicolás Maduro",
    "epstein": "Jeffrey Epstein",
    "navalny": "Alexei Navalny",
    "kim jong un": "Kim Jong Un",
    "witkoff": "Steve Witkoff",
    "hegseth": "Pete Hegseth",
    "pezeshkian": "Masoud Pezeshkian",
    "araghchi": "Abbas Araghchi",
    "volodymyr zelensky": "Volodymyr Zelensky",
}
_TERM_ACRONYMS = frozenset(
    {
        "ai",
        "gdp",
        "ceo",
        "covid",
        "ev",
        "evs",
        "ipo",
        "lgbt",
        "lgbtq",
        "dna",
        "tv",
        "mps",
        "mp",
        "vs",
        "faq",
        "pm",
        "am",
        "apr",
        "ufc",
        "cpi",
    }
)
_KNOWN_ACRONYMS = frozenset(
    {
        "nato",
        "un",
        "eu",
        "who",
        "imf",
        "wto",
        "opec",
        "nasa",
        "fbi",
        "cia",
        "nsa",
        "dhs",
        "doj",
        "sec",
        "fda",
        "cdc",
        "epa",
        "irs",
        "ice",
        "idf",
        "irgc",
        "bbc",
        "cnn",
        "nbc",
        "cbs",
        "abc",
        "npr",
        "ap",
        "afp",
        "us",
        "uk",
        "uae",
        "gop",
        "bjp",
        "anc",
        "fifa",
        "uefa",
        "ioc",
        "nfl",
        "nba",
        "mlb",
        "nhl",
        "isis",
        "icc",
        "icj",
        "ecb",
        "brics",
        "asean",
        "unicef",
        "unesco",
        "unhcr",
        "usa",
        "ai",
        "gdp",
        "ceo",
        "ev",
        "ipo",
        "dna",
        "tv",
        "mps",
        "mp",
        "cpi",
        "covid",
        "lgbt",
        "lgbtq",
        "ufc",
    }
)
_EVENT_WORDS = frozenset(
    {
        "games",
        "olympics",
        "cup",
        "championship",
        "championships",
        "open",
        "festival",
        "awards",
        "summit",
        "talks",
        "war",
        "election",
        "elections",
        "conference",
        "crisis",
        "protests",
        "deal",
        "act",
        "bill",
        "year",
        "day",
        "week",
        "season",
        "series",
        "tour",
        "final",
        "finals",
        "trial",
        "case",
        "strike",
    }
)
_HEADLINE_VERBS = _words(
    """
know tries try taking take takes took arrives arrive welcome details boost holds hold meet meets ends end
begins begin calls call warns warn faces face gets get makes set sets hits hit seeks seek urges urge plans
plan vows vow slams slam rejects reject denies deny condemns condemn shows show looks look goes come comes
amid stresses stress visits visit says tells tell asks ask wants want needs need keeps keep puts gives
""",
)
_GENERIC = _words(
    """
a an the and or but of in on at to for from by with as is are was were be been has have had will would
can could should may might must not no new news update updates live latest video photos watch says said
say report reports reported after before over amid into about against than more most first last year years
day days week weeks month time times how why what who when where which this that these those it its his her
their they he she we you our your my i me us them him top big two three four five six seven eight nine ten
one man woman men women people world breaking analysis opinion exclusive official officials
anti ex pro non here inside behind
""",
)


# Latin letters NFKD does not decompose; other scripts keep their letters.
_LATIN_FOLD = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "æ": "ae",
                             "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "þ": "th", "Þ": "Th", "ı": "i"})


def _fold(text: str) -> str:
    """Case and accents folded ('José' -> 'jose', 'Łukasz' -> 'lukasz'); 'Владимир' -> 'владимир'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LATIN_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _key(name: str) -> str:
    """Dedupe key: case, accents, dots, possessives and hyphens folded."""
    folded = _fold(_POSSESSIVE.sub("", name.strip()))
    folded = folded.replace(".", "").replace("-", " ").replace("’", "").replace("'", "")
    return " ".join(folded.split())


_PLACES = {_key(name) for name in _MULTIWORD_COUNTRIES + _MULTIWORD_PLACES}
_PLACES.update(w for w in _COUNTRIES.split() if len(w) > 2 or w in {"us", "uk"})
_PLACES.update(w for w in _REGIONS_AND_CITIES.split() if len(w) > 3)
_PLACES -= {
    "new",
    "south",
    "north",
    "west",
    "east",
    "city",
    "cape",
    "rio",
    "abu",
    "tel",
    "st",
    "los",
    "san",
    "las",
    "khan",
    "addis",
    "buenos",
    "sao",
    "gulf",
    "red",
    "black",
    "great",
    "united",
    "northern",
    "saudi",
    "costa",
    "ivory",
    "sierra",
    "sri",
    "papua",
    "burkina",
    "hong",
    "puerto",
    "wall",
    "capitol",
    "silicon",
    "persian",
    "is",
    "de",
    "el",
    "mexico city",
    "santiago",
    "georgia",
}
_PLACES.update({"mexico", "georgia", "santiago"})
_ORGANIZATIONS = set(_ORGANIZATION_NAMES.split())
_ORGANIZATIONS -= {
    "is",
    "x",
    "ap",
    "fed",
    "news",
    "new",
    "york",
    "times",
    "washington",
    "post",
    "white",
    "house",
    "court",
    "supreme",
    "bank",
    "world",
    "union",
    "league",
    "red",
    "cross",
    "african",
    "arab",
    "premier",
    "of",
    "england",
    "goldman",
    "sachs",
    "berkshire",
    "hathaway",
    "federal",
    "reserve",
}
_ORGANIZATIONS.update(
    {
        "white house",
        "supreme court",
        "new york times",
        "washington post",
        "fox news",
        "federal reserve",
        "bank of england",
        "world bank",
        "african union",
        "arab league",
        "red cross",
        "premier league",
        "goldman sachs",
        "berkshire hathaway",
        "al qaeda",
    }
)


_US_KEYS = frozenset({"us", "usa", "america", "united states", "american", "americans", "washington"})
FOREIGN_PLACE_WORDS: frozenset[str] = frozenset(
    (
        {w for w in _COUNTRIES.split() if len(w) > 3}
        | {k for k, v in _DEMONYMS.items() if v != "United States" and " " not in k}
        | {w for w in _REGIONS_AND_CITIES.split() if len(w) > 4}
    )
    - _US_KEYS
    - {
        "jordan",
        "chad",
        "guinea",
        "latin",
        "south",
        "north",
        "ababa",
        "aires",
        "janeiro",
        "paulo",
        "alabama",
        "alaska",
        "arizona",
        "arkansas",
        "california",
        "colorado",
        "connecticut",
        "delaware",
        "florida",
        "hawaii",
        "idaho",
        "illinois",
        "indiana",
        "iowa",
        "kansas",
        "kentucky",
        "louisiana",
        "maine",
        "maryland",
        "massachusetts",
        "michigan",
        "minnesota",
        "mississippi",
        "missouri",
        "montana",
        "nebraska",
        "nevada",
        "ohio",
        "oklahoma",
        "oregon",
        "pennsylvania",
        "tennessee",
        "texas",
        "utah",
        "vermont",
        "virginia",
        "wisconsin",
        "wyoming",
        "washington",
        "chicago",
        "houston",
        "miami",
        "boston",
        "seattle",
        "atlanta",
        "dallas",
        "philadelphia",
        "detroit",
        "phoenix",
        "denver",
        "vegas",
        "orleans",
        "angeles",
        "francisco",
        "carolina",
        "dakota",
        "hampshire",
        "jersey",
        "island",
        "capitol",
        "valley",
        "street",
        "atlantic",
        "pacific",
        "arctic",
        "georgia",
    }
)
"""Lowercase single words naming a place outside the United States (countries, demonyms, foreign
cities and regions): the category model's "world" cue."""


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: bool  # first word of a sentence / headline (its capital says nothing)
    broken: bool  # punctuation right before it (a name run cannot continue across it)


def _tokens(title: str) -> list[_Token]:
    tokens: list[_Token] = []
    start = True
    broken = True
    for match in _WORD.finditer(title):
        word = match.group(0)
        if len(word) == 1 and not word.isalnum():
            if word in _BREAK:
                broken = True
                if word in ".!?:;|–—•\"“”‘’'«»":
                    start = True
            continue
        if word.endswith(".") and not re.fullmatch(r"(?:[A-Za-z]\.)+", word):
            word = word[:-1]
            tokens.append(_Token(word, start, broken))
            start = broken = True
            continue
        parts = _split_compound(word)
        for index, part in enumerate(parts):
            tokens.append(_Token(part, start and index == 0, broken or index > 0))
        start = broken = False
    return tokens


def _split_compound(word: str) -> list[str]:
    """'US-Iran' -> ['US', 'Iran'], 'US-brokered' -> ['US', 'brokered']: a hyphenated word is split
    when one of its parts is a known name; 'Al-Qaeda' and 'Anti-Muslim' stay whole."""
    if "-" not in word:
        return [word]
    parts = [p for p in word.split("-") if p]
    if len(parts) < 2 or _key(word) in _ORGANIZATIONS or _key(word) in _PLACES:
        return [word]
    if any(p[:1].isupper() and _known(_key(p)) for p in parts):
        return parts
    return [word]


def _is_capitalized(word: str) -> bool:
    return word[:1].isupper() or (word[:1].isdigit() is False and word.isupper())


def _is_title_case(tokens: Sequence[_Token]) -> bool:
    long_words = [t.text for t in tokens[1:] if len(t.text) >= 4 and t.text[0].isalpha()]
    if len(long_words) < 2:
        return False
    return sum(1 for w in long_words if w[0].isupper()) >= _TITLE_CASE_SHARE * len(long_words)


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "").replace("&", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def _known(key: str) -> bool:
    return (
        key in _PLACES
        or key in _ORGANIZATIONS
        or key in _DEMONYMS
        or key in _ALIASES
        or key in _KNOWN_PEOPLE
        or key in _FIRST_NAMES
    )


@dataclass(slots=True)
class _Mention:
    surface: str
    kind: TopicKind


@dataclass(slots=True)
class _Entry:
    key: str
    kind: TopicKind
    surfaces: Counter[str] = field(default_factory=Counter)
    titles: set[int] = field(default_factory=set)


def _evidence(titles: Sequence[list[_Token]], title_case: Sequence[bool]) -> set[str]:
    """Lowercase words capitalized mid-sentence in a sentence-case headline: evidence of names."""
    names: set[str] = set()
    for tokens, is_title in zip(titles, title_case, strict=True):
        if is_title:
            continue
        for token in tokens:
            if not token.start and token.text[:1].isupper():
                names.add(_key(token.text))
    return names


def _name_runs(tokens: Sequence[_Token], trusted: bool, evidence: set[str]) -> list[list[str]]:
    """Runs of name words in one headline (connectors allowed inside a run)."""
    runs: list[list[str]] = []
    current: list[str] = []
    pending: list[str] = []  # connectors waiting for the next name word

    def flush() -> None:
        nonlocal current, pending
        if current:
            runs.append(current)
        current, pending = [], []

    for token in tokens:
        word = token.text
        lower = _key(word)
        if token.broken:
            flush()
        if current and lower in _CONNECTORS and not _is_acronym(word):
            pending.append(word)
            continue
        capital = word[:1].isupper()
        is_name = False
        if capital and not word[:1].isdigit():
            if _is_acronym(word):
                is_name = lower not in _GENERIC or lower in _KNOWN_ACRONYMS
            elif lower in _GENERIC and lower not in evidence:
                is_name = False
            elif (trusted and not token.start) or lower in evidence or _known(lower):
                is_name = True
        if is_name:
            if pending:
                if all(_key(c) in _NAME_CONNECTORS for c in pending) and len(pending) == 1:
                    current.extend(pending)
                else:
                    flush()
            pending = []
            current.append(word)
        else:
            flush()
    flush()
    return runs


def _strip_titles(words: list[str]) -> tuple[list[str], bool]:
    """Drop leading honorifics/offices ('President', 'Prime Minister'); True if a person's name
    follows them. 'Prime Minister of Bangladesh' is an office: ('Bangladesh', False)."""
    whole = _key(" ".join(words))
    if whole in _ORGANIZATIONS or whole in _PLACES or whole in _ALIASES:
        return words, False
    found = False
    while len(words) > 1 and _key(words[0]) in _PERSON_TITLES:
        words = words[1:]
        found = True
    if found and words and _key(words[0]) in _CONNECTORS:
        while words and _key(words[0]) in _CONNECTORS:
            words = words[1:]
        found = False
    return words, found


def _split_known(words: list[str]) -> list[list[str]]:
    """Split a run that glues known names together ('Iran US' -> 'Iran', 'US')."""
    if len(words) < 2:
        return [words]
    keys = [_key(w) for w in words]
    whole = " ".join(keys)
    if whole in _PLACES or whole in _ORGANIZATIONS or whole in _KNOWN_PEOPLE or whole in _ALIASES:
        return [words]
    if any(k in _NAME_CONNECTORS for k in keys):
        return [words]
    parts: list[list[str]] = []
    index = 0
    while index < len(words):
        for size in (3, 2):
            chunk = " ".join(keys[index : index + size])
            if index + size <= len(words) and (
                chunk in _PLACES or chunk in _ORGANIZATIONS or chunk in _ALIASES
            ):
                parts.append(words[index : index + size])
                index += size
                break
        else:
            key = keys[index]
            if (
                key in _PLACES
                or key in _ORGANIZATIONS
                or key in _ALIASES
                or key in _DEMONYMS
                or _is_acronym(words[index])
                or key in _KNOWN_PEOPLE
            ):
                parts.append([words[index]])
            elif parts and not (
                _key(parts[-1][-1]) in _PLACES
                or _key(parts[-1][-1]) in _ORGANIZATIONS
                or _key(parts[-1][-1]) in _ALIASES
                or _is_acronym(parts[-1][-1])
                or _key(parts[-1][-1]) in _DEMONYMS
            ):
                parts[-1].append(words[index])
            else:
                parts.append([words[index]])
            index += 1
    return parts


def _known_name(surface: str, key: str) -> tuple[str, TopicKind] | None:
    """(canonical name, kind) from the gazetteers, or None."""
    found: tuple[str, TopicKind] | None = None
    if key in _ALIASES:
        name = _ALIASES[key]
        kind: TopicKind = "organization" if name in {"European Union", "United Nations"} else "place"
        found = (name, "person" if key.startswith("zelensk") else kind)
    elif key in _DEMONYMS:
        found = (_DEMONYMS[key], "place")
    elif key in _KNOWN_PEOPLE:
        found = (_KNOWN_PEOPLE[key], "person")
    elif key in _PLACES:
        found = (surface, "place")
    elif key in _ORGANIZATIONS:
        found = (surface, "organization")
    elif _is_acronym(surface) and " " not in surface:
        found = (surface, "term" if key in _TERM_ACRONYMS else "organization")
    return found


def _classify(words: list[str], titled: bool) -> tuple[str, TopicKind]:
    """(canonical name, kind) of one name run: gazetteers first, then the shape of the name."""
    surface = " ".join(words)
    known = _known_name(surface, _key(surface))
    if known is not None:
        return known
    last = _key(words[-1])
    first = _key(words[0])
    kind: TopicKind = "term"
    if last in _ORG_WORDS or (first in _ORG_WORDS and len(words) > 2):
        kind = "organization"
    elif last in _PLACE_WORDS or (first in _PLACE_WORDS and len(words) > 1):
        kind = "place"
    elif last in _EVENT_WORDS or any(_key(w) in _EVENT_WORDS for w in words[1:]):
        kind = "term"
    elif titled or first in _FIRST_NAMES or (
            len(words) in (2, 3) and all(w[:1].isupper() and not _is_acronym(w) for w in words)):
        kind = "person"
    return surface, kind


def _cased(surfaces: Counter[str], kind: TopicKind) -> str:
    """The display form: commonest non-capitals spelling, connectors lowercased."""
    ranked = sorted(
        surfaces.items(), key=lambda item: (item[0].isupper() and len(item[0]) > 4, -item[1], item[0])
    )
    best = ranked[0][0]
    words = best.split()
    out: list[str] = []
    for index, word in enumerate(words):
        lower = _key(word)
        if index > 0 and lower in _CONNECTORS:
            out.append(word.lower())
        elif (
            word.isupper()
            and len(word) > 1
            and lower not in _KNOWN_ACRONYMS
            and not (kind == "organization" and len(word) <= 5)
        ):
            out.append(word.capitalize())
        else:
            out.append(word)
    return " ".join(out)


def _slug(name: str) -> str:
    folded = _fold(name)
    if not folded.isascii():  # a non-Latin name: its punycode, so 'Владимир Путин' keeps a slug of its own
        folded = "x-" + "-".join(w.encode("punycode").decode() for w in re.findall(r"[^\W_]+", folded))
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:64] or "topic"


def _gather(titles: Sequence[str]) -> dict[str, _Entry]:
    tokenized = [_tokens(t) for t in titles]
    title_case = [_is_title_case(t) for t in tokenized]
    evidence = _evidence(tokenized, title_case)
    entries: dict[str, _Entry] = {}
    for index, (tokens, is_title) in enumerate(zip(tokenized, title_case, strict=True)):
        for run in _name_runs(tokens, not is_title, evidence):
            cleaned = [_POSSESSIVE.sub("", w) for w in run]
            stripped, titled = _strip_titles(cleaned)
            parts = _split_known(stripped)
            for position, raw_part in enumerate(parts):
                part = list(raw_part)
                while part and _key(part[-1]) in _CONNECTORS:
                    part.pop()
                if not part or all(
                    (_key(w) in _GENERIC or _key(w) in _PERSON_TITLES) and not _known(_key(w)) for w in part
                ):
                    continue
                name, kind = _classify(part, titled and position == 0)
                key = _key(name)
                if len(key) < 2:
                    continue
                entry = entries.get(key)
                if entry is None:
                    entry = entries[key] = _Entry(key=key, kind=kind)
                elif entry.kind == "term" and kind != "term":
                    entry.kind = kind
                entry.surfaces[name] += 1
                entry.titles.add(index)
    return entries


def _fold_variants(entries: dict[str, _Entry]) -> None:
    """'Olympic' joins 'Olympics' (same stem); a lone unknown word that is part of a longer name
    ('Winter' of 'Winter Games') joins it."""
    by_stem: dict[str, _Entry] = {}
    for entry in sorted(entries.values(), key=lambda e: (e.kind == "term", -len(e.titles), e.key)):
        if " " in entry.key:
            continue
        root = stem(entry.key)
        owner = by_stem.get(root)
        if owner is None:
            by_stem[root] = entry
            continue
        owner.titles |= entry.titles
        owner.surfaces.update({k: 0 for k in entry.surfaces})
        del entries[entry.key]
    multi = [e for e in entries.values() if " " in e.key]
    for entry in list(entries.values()):
        if entry.kind != "term" or " " in entry.key:
            continue
        owners = [m for m in multi if entry.key in m.key.split()]
        if owners:
            best = max(owners, key=lambda m: (len(m.titles), m.key))
            best.titles |= entry.titles
            del entries[entry.key]


def _fold_surnames(entries: dict[str, _Entry]) -> None:
    """A lone name that ends a longer person's name ('Jackson') joins that person."""
    people = [e for e in entries.values() if e.kind == "person" and " " in e.key]
    for entry in list(entries.values()):
        if " " in entry.key or entry.key in _PLACES or entry.key in _ORGANIZATIONS:
            continue
        owners = [
            p
            for p in people
            if p.key.split()[-1] == entry.key or (p.key.split()[0] == entry.key and entry.kind == "person")
        ]
        if len(owners) == 1:
            owner = owners[0]
            owner.titles |= entry.titles
            del entries[entry.key]


# Words that make a phrase a fragment of the sentence rather than a theme ("dies aged", "second round").
_PHRASE_STOP = _words(
    """
dies died dead aged age second third fourth fifth latest round temporarily again still just now also
very many much more less following during since until within without former next last early late
around toward towards across through under between among alleged
""",
)


def _content_tokens(title: str) -> list[str | None]:
    """Lowercase content words of a headline in order; None marks a break (a name, a stop word,
    punctuation) that a key phrase cannot span."""
    tokens = _tokens(title)
    is_title = _is_title_case(tokens)
    out: list[str | None] = []
    for token in tokens:
        lower = token.text.lower()
        capital_mid_sentence = token.text[:1].isupper() and not is_title and not token.start
        if (capital_mid_sentence or not lower.isalpha() or len(lower) < 3 or lower in _GENERIC
                or lower in _HEADLINE_VERBS or lower in _PERSON_TITLES or lower in _PHRASE_STOP
                or _key(lower) in _DEMONYMS
                or _key(lower) in _PLACES):
            out.append(None)
        else:
            out.append(lower)
    return out


def _key_phrases(
    centroid: Mapping[str, float], titles: Sequence[str], taken: Iterable[str], limit: int
) -> list[tuple[str, int]]:
    """Two-word key phrases ("nuclear talks", "civil rights") used by at least
    MIN_PHRASE_HEADLINES headlines, none of whose words is already part of a name; ranked by
    headlines, then by the centroid weight of their stems. A lone common word is never a topic."""
    taken_stems = {stem(w) for key in taken for w in key.split()}
    surfaces: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    headlines: dict[tuple[str, str], set[int]] = defaultdict(set)
    for index, title in enumerate(titles):
        words = _content_tokens(title)
        for first, second in itertools.pairwise(words):
            if first is None or second is None or first == second:
                continue
            key = (stem(first), stem(second))
            if key[0] in taken_stems or key[1] in taken_stems:
                continue
            surfaces[key][f"{first} {second}"] += 1
            headlines[key].add(index)
    ranked = sorted(
        (k for k in headlines if len(headlines[k]) >= MIN_PHRASE_HEADLINES),
        key=lambda k: (-len(headlines[k]), -(centroid.get(k[0], 0.0) + centroid.get(k[1], 0.0)), k),
    )
    phrases: list[tuple[str, int]] = []
    used: set[str] = set()
    for key in ranked:
        if len(phrases) >= limit or used & set(key):
            continue
        used.update(key)
        phrases.append((surfaces[key].most_common(1)[0][0], len(headlines[key])))
    return phrases


def extract_topics(
    titles: Sequence[str], centroid: Mapping[str, float] | None = None, *, limit: int = MAX_TOPICS
) -> list[Topic]:
    """Topics of a trend from its headlines (and its centroid, for key terms)."""
    unique = list(dict.fromkeys(t.strip() for t in titles if t and t.strip()))
    if not unique:
        return []
    entries = _gather(unique)
    _fold_surnames(entries)
    _fold_variants(entries)
    minimum = 2 if len(unique) >= 4 else 1
    ranked = sorted(entries.values(), key=lambda e: (-len(e.titles), e.kind == "term", e.key))
    names = [e for e in ranked if len(e.titles) >= minimum and e.kind != "term"]
    # A capitalized run no gazetteer knows is a topic only as a multi-word name ("Board of Peace",
    # "Apocalypse Now"); a lone one ("Now", "Mercies", "Guiding") is a capital, not a topic.
    names += [e for e in ranked if len(e.titles) >= minimum and e.kind == "term" and " " in e.key]
    topics: list[Topic] = []
    seen_slugs: set[str] = set()
    for entry in names:
        if len(topics) >= limit - min(MAX_TERMS, 2):
            break
        name = _cased(entry.surfaces, entry.kind)
        slug = _slug(name)
        if slug in seen_slugs:
            continue
        seen_slugs.add(slug)
        topics.append(Topic(name=name, kind=entry.kind, slug=slug))
    taken = [t.name.lower() for t in topics]
    taken += [e.key for e in entries.values() if e.kind != "term" or " " in e.key]
    for word, _count in _key_phrases(centroid or {}, unique, taken, MAX_TERMS):
        if len(topics) >= limit:
            break
        slug = _slug(word)
        if slug not in seen_slugs:
            seen_slugs.add(slug)
            topics.append(Topic(name=word, kind="term", slug=slug))
    return topics


def trend_topics(titles: Sequence[str], centroid: Mapping[str, float]) -> list[Topic]:
    """Alias used by the enrichment service."""
    return extract_topics(titles, centroid)


__all__ = ["FOREIGN_PLACE_WORDS", "MAX_TOPICS", "extract_topics", "trend_topics"]
