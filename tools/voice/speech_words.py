"""The words a narrator uses for symbols, units and abbreviations, per narration language (data only).

Numbers themselves are spelled by ``num2words``; this table covers what it does not: units after a number,
ratio and range words, symbols, currencies and the few abbreviations worth expanding. Languages without an
entry fall back to English words for symbols and leave units as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Vocabulary:
    """How one language says the non-number parts of a written line."""

    to: str  # ratios and ranges: "1:16" -> "one to sixteen"
    over: str  # fractions other than halves and quarters
    percent: str
    plus_minus: str
    plus: str
    minus: str
    about: str
    times: str
    dot: str
    slash: str
    backslash: str
    drive: str  # "C:" at the start of a Windows path
    at: str
    number: str
    equals: str
    degrees: str
    hours: tuple[str, str]  # a clock time: "7:30" -> hours word between hour and minutes (non-English)
    symbols: dict[str, str]
    units: dict[str, tuple[str, str]]  # written unit -> (singular, plural), spoken only after a number
    abbreviations: dict[str, str] = field(default_factory=dict)
    decimal_comma: bool = True  # "3,5" is three and a half; "1.000" is a thousand
    time_cues: frozenset[str] = frozenset()  # a preceding word that makes "7:30" a clock time


def _units(pairs: str) -> dict[str, tuple[str, str]]:
    """``"g=gram/grams; kg=kilogram/kilograms"`` -> the unit table (aliases separated by ``|``)."""
    out: dict[str, tuple[str, str]] = {}
    for item in pairs.split(";"):
        keys, _, words = item.strip().partition("=")
        one, _, many = words.partition("/")
        for key in keys.split("|"):
            out[key.strip()] = (one.strip(), (many or one).strip())
    return out


EN_UNITS = _units(
    "g=gram/grams; kg=kilogram/kilograms; mg=milligram/milligrams; µg|mcg=microgram/micrograms; "
    "lb=pound/pounds; lbs=pounds/pounds; oz=ounce/ounces; ml|mL=millilitre/millilitres; l|L=litre/litres; "
    "cl|cL=centilitre/centilitres; dl|dL=decilitre/decilitres; km=kilometre/kilometres; m=metre/metres; "
    "cm=centimetre/centimetres; mm=millimetre/millimetres; µm=micrometre/micrometres; nm=nanometre/nanometres; "
    "mi=mile/miles; ft=foot/feet; yd=yard/yards; s|sec|secs=second/seconds; ms=millisecond/milliseconds; "
    "min|mins=minute/minutes; h|hr|hrs=hour/hours; km/h|kph|kmh=kilometre per hour/kilometres per hour; "
    "mph=mile per hour/miles per hour; m/s=metre per second/metres per second; "
    "m/s²|m/s2=metre per second squared/metres per second squared; °C=degree Celsius/degrees Celsius; "
    "°F=degree Fahrenheit/degrees Fahrenheit; °=degree/degrees; kWh=kilowatt hour/kilowatt hours; "
    "W=watt/watts; kW=kilowatt/kilowatts; MW=megawatt/megawatts; GW=gigawatt/gigawatts; V=volt/volts; "
    "Hz=hertz/hertz; kHz=kilohertz/kilohertz; MHz=megahertz/megahertz; GHz=gigahertz/gigahertz; "
    "KB|kB=kilobyte/kilobytes; MB=megabyte/megabytes; GB=gigabyte/gigabytes; TB=terabyte/terabytes; "
    "Mbps=megabit per second/megabits per second; Gbps=gigabit per second/gigabits per second; "
    "cal=calorie/calories; kcal=kilocalorie/kilocalories; bpm=beat per minute/beats per minute; "
    "px=pixel/pixels; fps=frame per second/frames per second; %=percent/percent; x|×=times/times; "
    "k|K=thousand/thousand; bn=billion/billion; ha=hectare/hectares; km²=square kilometre/square kilometres; "
    "m²=square metre/square metres; m³=cubic metre/cubic metres; AU=astronomical unit/astronomical units; "
    "ly=light year/light years")

EN_ABBREVIATIONS = {
    "Dr.": "Doctor", "Mr.": "Mister", "Mrs.": "Missus", "Ms.": "Miz", "Prof.": "Professor", "St.": "Saint",
    "Jr.": "Junior", "Sr.": "Senior", "vs.": "versus", "vs": "versus", "e.g.": "for example", "i.e.": "that is",
    "etc.": "et cetera", "approx.": "approximately", "No.": "number", "Mt.": "Mount", "Inc.": "Incorporated",
    "Ltd.": "Limited", "Co.": "Company", "a.m.": "a m", "p.m.": "p m", "U.S.": "U S", "U.K.": "U K",
}

_SYMBOLS_EN = {"&": "and", "%": "percent", "+": "plus", "@": "at", "°": "degrees", "±": "plus or minus",
               "=": "equals", "×": "times", "#": "number", "~": "about", "≈": "about", "$": "dollars",
               "€": "euros", "£": "pounds", "¥": "yen"}

VOCABULARIES: dict[str, Vocabulary] = {
    "en": Vocabulary(
        to="to", over="over", percent="percent", plus_minus="plus or minus", plus="plus", minus="minus",
        about="about", times="times", dot="dot", slash="slash", backslash="backslash", drive="drive", at="at",
        number="number", equals="equals", degrees="degrees", hours=("o'clock", "o'clock"), symbols=_SYMBOLS_EN,
        units=EN_UNITS, abbreviations=EN_ABBREVIATIONS, decimal_comma=False,
        time_cues=frozenset({"at", "by", "until", "till", "from", "before", "after", "around", "since", "is"})),
    "es": Vocabulary(
        to="a", over="sobre", percent="por ciento", plus_minus="más o menos", plus="más", minus="menos",
        about="unos", times="por", dot="punto", slash="barra", backslash="barra invertida", drive="unidad",
        at="arroba", number="número", equals="igual a", degrees="grados", hours=("hora", "horas"),
        symbols={"&": "y", "%": "por ciento", "+": "más", "@": "arroba", "±": "más o menos", "=": "igual a",
                 "#": "número", "°": "grados"},
        units=_units("g=gramo/gramos; kg=kilogramo/kilogramos; mg=miligramo/miligramos; ml|mL=mililitro/mililitros; "
                     "l|L=litro/litros; km=kilómetro/kilómetros; m=metro/metros; cm=centímetro/centímetros; "
                     "mm=milímetro/milímetros; s|seg=segundo/segundos; min=minuto/minutos; h=hora/horas; "
                     "km/h=kilómetro por hora/kilómetros por hora; °C=grado Celsius/grados Celsius; "
                     "°=grado/grados; %=por ciento/por ciento; kWh=kilovatio hora/kilovatios hora"),
        time_cues=frozenset({"las", "la", "a", "desde", "hasta"})),
    "fr": Vocabulary(
        to="pour", over="sur", percent="pour cent", plus_minus="plus ou moins", plus="plus", minus="moins",
        about="environ", times="fois", dot="point", slash="barre oblique", backslash="barre oblique inversée",
        drive="lecteur", at="arobase", number="numéro", equals="égale", degrees="degrés", hours=("heure", "heures"),
        symbols={"&": "et", "%": "pour cent", "+": "plus", "@": "arobase", "±": "plus ou moins", "=": "égale",
                 "#": "numéro", "°": "degrés"},
        units=_units("g=gramme/grammes; kg=kilogramme/kilogrammes; mg=milligramme/milligrammes; "
                     "ml|mL=millilitre/millilitres; l|L=litre/litres; km=kilomètre/kilomètres; m=mètre/mètres; "
                     "cm=centimètre/centimètres; mm=millimètre/millimètres; s=seconde/secondes; min=minute/minutes; "
                     "h=heure/heures; km/h=kilomètre heure/kilomètres heure; °C=degré Celsius/degrés Celsius; "
                     "°=degré/degrés; %=pour cent/pour cent; kWh=kilowattheure/kilowattheures"),
        time_cues=frozenset({"à", "vers", "dès", "avant", "après", "jusqu'à"})),
    "de": Vocabulary(
        to="zu", over="durch", percent="Prozent", plus_minus="plus minus", plus="plus", minus="minus",
        about="etwa", times="mal", dot="Punkt", slash="Schrägstrich", backslash="Backslash", drive="Laufwerk",
        at="at", number="Nummer", equals="gleich", degrees="Grad", hours=("Uhr", "Uhr"),
        symbols={"&": "und", "%": "Prozent", "+": "plus", "@": "at", "±": "plus minus", "=": "gleich",
                 "#": "Nummer", "°": "Grad"},
        units=_units("g=Gramm/Gramm; kg=Kilogramm/Kilogramm; mg=Milligramm/Milligramm; ml|mL=Milliliter/Milliliter; "
                     "l|L=Liter/Liter; km=Kilometer/Kilometer; m=Meter/Meter; cm=Zentimeter/Zentimeter; "
                     "mm=Millimeter/Millimeter; s|Sek=Sekunde/Sekunden; min|Min=Minute/Minuten; h|Std=Stunde/Stunden; "
                     "km/h=Kilometer pro Stunde/Kilometer pro Stunde; °C=Grad Celsius/Grad Celsius; °=Grad/Grad; "
                     "%=Prozent/Prozent; kWh=Kilowattstunde/Kilowattstunden"),
        time_cues=frozenset({"um", "ab", "bis", "gegen", "vor", "nach"})),
    "pt": Vocabulary(
        to="para", over="sobre", percent="por cento", plus_minus="mais ou menos", plus="mais", minus="menos",
        about="cerca de", times="vezes", dot="ponto", slash="barra", backslash="barra invertida", drive="unidade",
        at="arroba", number="número", equals="igual a", degrees="graus", hours=("hora", "horas"),
        symbols={"&": "e", "%": "por cento", "+": "mais", "@": "arroba", "±": "mais ou menos", "=": "igual a",
                 "#": "número", "°": "graus"},
        units=_units("g=grama/gramas; kg=quilograma/quilogramas; mg=miligrama/miligramas; ml|mL=mililitro/mililitros; "
                     "l|L=litro/litros; km=quilômetro/quilômetros; m=metro/metros; cm=centímetro/centímetros; "
                     "mm=milímetro/milímetros; s=segundo/segundos; min=minuto/minutos; h=hora/horas; "
                     "km/h=quilômetro por hora/quilômetros por hora; °C=grau Celsius/graus Celsius; °=grau/graus; "
                     "%=por cento/por cento"),
        time_cues=frozenset({"às", "as", "a", "desde", "até"})),
    "it": Vocabulary(
        to="a", over="su", percent="per cento", plus_minus="più o meno", plus="più", minus="meno",
        about="circa", times="per", dot="punto", slash="barra", backslash="barra rovesciata", drive="unità",
        at="chiocciola", number="numero", equals="uguale a", degrees="gradi", hours=("ora", "ore"),
        symbols={"&": "e", "%": "per cento", "+": "più", "@": "chiocciola", "±": "più o meno", "=": "uguale a",
                 "#": "numero", "°": "gradi"},
        units=_units("g=grammo/grammi; kg=chilogrammo/chilogrammi; mg=milligrammo/milligrammi; "
                     "ml|mL=millilitro/millilitri; l|L=litro/litri; km=chilometro/chilometri; m=metro/metri; "
                     "cm=centimetro/centimetri; mm=millimetro/millimetri; s=secondo/secondi; min=minuto/minuti; "
                     "h=ora/ore; km/h=chilometro orario/chilometri orari; °C=grado Celsius/gradi Celsius; "
                     "°=grado/gradi; %=per cento/per cento"),
        time_cues=frozenset({"alle", "all'", "dalle", "fino", "verso"})),
    "nl": Vocabulary(
        to="op", over="op", percent="procent", plus_minus="plus of min", plus="plus", minus="min",
        about="ongeveer", times="keer", dot="punt", slash="schuine streep", backslash="backslash", drive="schijf",
        at="apenstaartje", number="nummer", equals="is gelijk aan", degrees="graden", hours=("uur", "uur"),
        symbols={"&": "en", "%": "procent", "+": "plus", "@": "apenstaartje", "±": "plus of min",
                 "=": "is gelijk aan", "#": "nummer", "°": "graden"},
        units=_units("g=gram/gram; kg=kilogram/kilogram; mg=milligram/milligram; ml|mL=milliliter/milliliter; "
                     "l|L=liter/liter; km=kilometer/kilometer; m=meter/meter; cm=centimeter/centimeter; "
                     "mm=millimeter/millimeter; s|sec=seconde/seconden; min=minuut/minuten; h|u=uur/uur; "
                     "km/h=kilometer per uur/kilometer per uur; °C=graad Celsius/graden Celsius; °=graad/graden; "
                     "%=procent/procent"),
        time_cues=frozenset({"om", "vanaf", "tot", "rond"})),
}

CURRENCY_CODES = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
EN_CURRENCIES = {"$": ("dollar", "dollars", "cent", "cents"), "€": ("euro", "euros", "cent", "cents"),
                 "£": ("pound", "pounds", "penny", "pence"), "¥": ("yen", "yen", "sen", "sen")}


def vocabulary(language: str) -> Vocabulary:
    """The words for ``language`` (``"de-AT"`` -> German); English for a language without a table."""
    return VOCABULARIES.get((language or "en").split("-")[0].lower(), VOCABULARIES["en"])


def is_unit(word: str) -> bool:
    """True for a written unit of any narration language ("km", "°C", "m/s²"), trailing punctuation ignored."""
    return word.rstrip(".,;:!?)") in _ALL_UNITS


_ALL_UNITS = frozenset(u for v in VOCABULARIES.values() for u in v.units) - {"x", "×", "k", "K"}
