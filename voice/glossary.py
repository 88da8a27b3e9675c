# ruff: noqa: E501  (the glossary is prose; one term a line reads best)
"""Ordliste: Norwegian professional words explained in plain language (bokmål, nynorsk, English).

The words themselves stay Norwegian in every language: they are the words young people meet in
letters and meetings. In nynorsk a word is shown as nynorsk writes it (`word_nn`, e.g.
Teieplikt for Taushetsplikt) when that differs; its anchor (`slug`) stays the bokmål one so
links keep working. Kept as data in code (reviewed like code, translated in one place).
"""

import re
from dataclasses import dataclass, field
from functools import cache

from django.utils.text import slugify
from django.utils.translation import get_language


def _active() -> str:
    return get_language() or "nb"


@dataclass(frozen=True)
class Term:
    word: str
    nb: str
    en: str
    # other forms found in text (ubestemt/bestemt, bokmål and nynorsk)
    also: tuple[str, ...] = field(default=())
    nn: str = field(kw_only=True)
    word_nn: str = field(default="", kw_only=True)  # only where nynorsk spells the word otherwise

    @property
    def slug(self) -> str:
        return slugify(self.word.replace("æ", "ae").replace("ø", "o").replace("å", "a"))

    def explanation(self) -> str:
        language = _active()
        if language.startswith("en"):
            return self.en
        return self.nn if language == "nn" else self.nb

    def shown_word(self) -> str:
        """The word as the active language writes it: nynorsk's spelling in nynorsk."""
        return (self.word_nn or self.word) if _active() == "nn" else self.word

    def shown_lang(self) -> str:
        """The `lang` of the shown word: nynorsk in nynorsk, bokmål otherwise (also in English)."""
        return "nn" if _active() == "nn" else "nb"


TERMS = [
    Term(
        "Ansvarsgruppe",
        "En gruppe voksne fra ulike tjenester som møtes for å samarbeide om hjelpen til deg. Du kan være med.",
        "A group of adults from different services who meet to work together on your help. You can take part.",
        ("ansvarsgruppa", "ansvarsgruppen"),
        nn="Ei gruppe vaksne frå ulike tenester som møtest for å samarbeide om hjelpa til deg. Du kan vere med.",
    ),
    Term(
        "Barnevern",
        "Barneverntjenesten i kommunen. De skal sørge for at barn og unge har det trygt og godt hjemme.",
        "The municipal child welfare service. They make sure children and young people are safe and well at home.",
        ("barnevernet", "barneverntjenesten", "barneverntenesta"),
        nn="Barneverntenesta i kommunen. Dei skal sørgje for at barn og unge har det trygt og godt heime.",
    ),
    Term(
        "Barnekoordinator",
        "En person i kommunen som hjelper familier med barn som trenger mye hjelp, så de slipper å ordne alt selv.",
        "A person in the municipality who helps families whose child needs a lot of help, so they do not have to sort everything out alone.",
        nn="Ein person i kommunen som hjelper familiar med barn som treng mykje hjelp, så dei slepp å ordne alt sjølv.",
    ),
    Term(
        "BUP",
        "Barne- og ungdomspsykiatrisk poliklinikk. Et sted der barn og unge kan få hjelp med psykisk helse.",
        "Child and adolescent mental health outpatient clinic: a place where young people get help with mental health.",
        nn="Barne- og ungdomspsykiatrisk poliklinikk. Ein stad der barn og unge kan få hjelp med psykisk helse.",
    ),
    Term(
        "Fastlege",
        "Legen du har fast. Du går dit når du er syk eller trenger en henvisning.",
        "Your regular doctor. You go there when you are ill or need a referral.",
        ("fastlegen",),
        nn="Legen du har fast. Du går dit når du er sjuk eller treng ei tilvising.",
    ),
    Term(
        "Helsesykepleier",
        "En sykepleier på skolen eller helsestasjonen som du kan snakke med om kropp, følelser og helse.",
        "A nurse at school or at the health clinic you can talk to about your body, feelings and health.",
        ("helsesykepleieren", "helsesøster", "helsesjukepleiaren"),
        nn="Ein sjukepleiar på skulen eller helsestasjonen som du kan snakke med om kropp, kjensler og helse.",
        word_nn="Helsesjukepleiar",
    ),
    Term(
        "Helsestasjon for ungdom",
        "Et gratis sted for unge der du kan snakke med helsesykepleier, lege eller psykolog uten timebestilling.",
        "A free drop-in clinic for young people with nurses, doctors or psychologists; no appointment needed.",
        ("HFU",),
        nn="Ein gratis stad for unge der du kan snakke med helsesjukepleiar, lege eller psykolog utan timebestilling.",
    ),
    Term(
        "Henvisning",
        "Et brev fra for eksempel fastlegen som ber en annen tjeneste om å hjelpe deg.",
        "A letter, for example from your doctor, asking another service to help you.",
        ("henvisningen", "tilvisinga", "tilvisingar"),
        nn="Eit brev frå til dømes fastlegen som ber ei anna teneste om å hjelpe deg.",
        word_nn="Tilvising",
    ),
    Term(
        "Individuell plan",
        "En plan for deg som trenger hjelp fra flere tjenester over lang tid: mål, hvem som gjør hva og når. Du har rett til å være med og lage den.",
        "A plan for someone who needs help from several services for a long time: goals, who does what and when. You have the right to help make it.",
        nn="Ein plan for deg som treng hjelp frå fleire tenester over lang tid: mål, kven som gjer kva og når. Du har rett til å vere med og lage den.",
    ),
    Term(
        "Kontaktlærer",
        "Læreren som har hovedansvar for deg på skolen.",
        "The teacher who is mainly responsible for you at school.",
        ("kontaktlæreren", "kontaktlæraren"),
        nn="Læraren som har hovudansvar for deg på skulen.",
        word_nn="Kontaktlærar",
    ),
    Term(
        "Koordinator",
        "Én person som holder oversikten over all hjelpen du får og sørger for at tjenestene samarbeider.",
        "One person who keeps track of all the help you get and makes sure the services work together.",
        ("koordinatoren",),
        nn="Éin person som held oversikta over all hjelpa du får og sørgjer for at tenestene samarbeider.",
    ),
    Term(
        "Ungdomshjelper",
        "Den voksne du velger som holder oversikten for deg når flere tjenester hjelper deg.",
        "The adult you choose who keeps track of things for you when several services help you.",
        ("ungdomshjelperen", "ungdomshjelpere", "ungdomshjelparen", "ungdomshjelparar"),
        nn="Den vaksne du vel som held oversikta for deg når fleire tenester hjelper deg.",
        word_nn="Ungdomshjelpar",
    ),
    Term(
        "Samtykke",
        "Når du sier ja til at noe kan skje, for eksempel at informasjon om deg deles. Du kan trekke det tilbake.",
        "When you say yes to something, for example to information about you being shared. You can take it back.",
        ("samtykket",),
        nn="Når du seier ja til at noko kan skje, til dømes at informasjon om deg blir delt. Du kan trekkje det tilbake.",
    ),
    Term(
        "Taushetsplikt",
        "Regelen om at voksne som jobber med deg ikke får fortelle andre om deg uten lov.",
        "The rule that adults who work with you may not tell others about you without permission.",
        ("taushetsplikten", "teieplikta"),
        nn="Regelen om at vaksne som jobbar med deg ikkje får fortelje andre om deg utan lov.",
        word_nn="Teieplikt",
    ),
    Term(
        "Opplysningsplikt",
        "En plikt i loven til å si fra, for eksempel til barnevernet, hvis et barn kan ha det svært vanskelig.",
        "A legal duty to tell, for example child welfare, if a child may be in a very bad situation.",
        ("opplysningsplikten", "opplysningsplikta"),
        nn="Ei plikt i lova til å seie frå, til dømes til barnevernet, viss eit barn kan ha det svært vanskeleg.",
    ),
    Term(
        "Avvergingsplikt",
        "En plikt alle har til å prøve å hindre alvorlige lovbrudd, for eksempel vold.",
        "A duty everyone has to try to prevent serious crimes, for example violence.",
        nn="Ei plikt alle har til å prøve å hindre alvorlege lovbrot, til dømes vald.",
    ),
    Term(
        "PPT",
        "Pedagogisk-psykologisk tjeneste. De hjelper skolen å finne ut hva du trenger for å lære godt.",
        "The educational psychology service. They help your school find out what you need to learn well.",
        ("PP-tjenesten",),
        nn="Pedagogisk-psykologisk teneste. Dei hjelper skulen å finne ut kva du treng for å lære godt.",
    ),
    Term(
        "Spesialundervisning",
        "Ekstra eller annerledes undervisning når vanlig undervisning ikke passer for deg.",
        "Extra or different teaching when ordinary teaching does not work for you.",
        ("spesialundervisningen", "spesialundervisninga"),
        nn="Ekstra eller annleis undervisning når vanleg undervisning ikkje passar for deg.",
    ),
    Term(
        "Tilrettelegging",
        "Endringer som gjør skole eller jobb lettere for deg, for eksempel mer tid på prøver.",
        "Changes that make school or work easier for you, for example more time in tests.",
        ("tilretteleggingen", "tilrettelegginga"),
        nn="Endringar som gjer skule eller jobb lettare for deg, til dømes meir tid på prøver.",
    ),
    Term(
        "Enkeltvedtak",
        "En skriftlig avgjørelse fra en offentlig tjeneste om deg. Du kan klage på den.",
        "A written decision about you by a public service. You can appeal it.",
        ("enkeltvedtaket", "vedtak"),
        nn="Ei skriftleg avgjerd frå ei offentleg teneste om deg. Du kan klage på den.",
    ),
    Term(
        "Klage",
        "Når du sier fra at du er uenig i en avgjørelse og ber om at den blir sett på igjen.",
        "When you say you disagree with a decision and ask for it to be looked at again.",
        ("klagen", "klaga"),
        nn="Når du seier frå at du er usamd i ei avgjerd og ber om at den blir sett på igjen.",
    ),
    Term(
        "Statsforvalteren",
        "Statens kontor i fylket. Dit kan du klage på mange avgjørelser fra kommunen.",
        "The state's office in the county. You can appeal many municipal decisions there.",
        nn="Kontoret til staten i fylket. Dit kan du klage på mange avgjerder frå kommunen.",
        word_nn="Statsforvaltaren",
    ),
    Term(
        "NAV",
        "Arbeids- og velferdsforvaltningen. De hjelper med jobb, penger og aktivitet.",
        "The Labour and Welfare Administration. They help with work, money and activities.",
        ("NAV-kontoret",),
        nn="Arbeids- og velferdsforvaltninga. Dei hjelper med jobb, pengar og aktivitet.",
    ),
    Term(
        "SLT",
        "Samordning av lokale kriminalitetsforebyggende tiltak: kommunen og politiet jobber sammen for at unge ikke skal havne i kriminalitet.",
        "Coordination of local crime prevention: the municipality and the police work together so young people stay out of crime.",
        nn="Samordning av lokale kriminalitetsførebyggjande tiltak: kommunen og politiet jobbar saman for at unge ikkje skal hamne i kriminalitet.",
    ),
    Term(
        "Politikontakt",
        "En politibetjent som har ansvar for kontakt med barn og unge i området ditt.",
        "A police officer responsible for contact with children and young people in your area.",
        nn="Ein politibetjent som har ansvar for kontakt med barn og unge i området ditt.",
    ),
    Term(
        "Konfliktrådet",
        "Et sted der folk som har hatt en konflikt møtes med en nøytral person for å finne en løsning.",
        "A service where people in a conflict meet with a neutral person to find a solution.",
        nn="Ein stad der folk som har hatt ein konflikt møtest med ein nøytral person for å finne ei løysing.",
    ),
    Term(
        "Ungdomsoppfølging",
        "Oppfølging fra konfliktrådet etter et lovbrudd, med en plan du er med på å lage.",
        "Follow-up by the mediation service after an offence, with a plan you help make.",
        ("ungdomsoppfølginga",),
        nn="Oppfølging frå konfliktrådet etter eit lovbrot, med ein plan du er med på å lage.",
    ),
    Term(
        "Tiltak",
        "Noe som blir satt i gang for å hjelpe deg, for eksempel en støttekontakt eller en samtalegruppe.",
        "Something set up to help you, for example a support person or a talking group.",
        ("tiltaket", "tiltakene"),
        nn="Noko som blir sett i gang for å hjelpe deg, til dømes ein støttekontakt eller ei samtalegruppe.",
    ),
    Term(
        "Hjelpetiltak",
        "Hjelp fra barnevernet mens du bor hjemme, for eksempel råd til familien.",
        "Help from child welfare while you live at home, for example advice for your family.",
        ("hjelpetiltakene",),
        nn="Hjelp frå barnevernet medan du bur heime, til dømes råd til familien.",
    ),
    Term(
        "Støttekontakt",
        "En voksen som gjør fritidsaktiviteter sammen med deg.",
        "An adult who does leisure activities with you.",
        ("støttekontakten",),
        nn="Ein vaksen som gjer fritidsaktivitetar saman med deg.",
    ),
    Term(
        "Miljøterapeut",
        "En person som hjelper deg i hverdagen, for eksempel på skolen eller der du bor.",
        "A person who supports you in daily life, for example at school or where you live.",
        ("miljøterapeuten",),
        nn="Ein person som hjelper deg i kvardagen, til dømes på skulen eller der du bur.",
    ),
    Term(
        "Psykolog",
        "En person som har lært mye om tanker og følelser og som hjelper deg å snakke om det som er vanskelig.",
        "Someone trained in thoughts and feelings who helps you talk about what is hard.",
        ("psykologen",),
        nn="Ein person som har lært mykje om tankar og kjensler og som hjelper deg å snakke om det som er vanskeleg.",
    ),
    Term(
        "Psykisk helse",
        "Hvordan du har det inni deg: tanker, følelser og humør.",
        "How you are doing inside: thoughts, feelings and mood.",
        nn="Korleis du har det inni deg: tankar, kjensler og humør.",
    ),
    Term(
        "Rus",
        "Alkohol og andre stoffer som påvirker hvordan du tenker og føler.",
        "Alcohol and other drugs that change how you think and feel.",
        ("rusmidler", "rusmiddel"),
        nn="Alkohol og andre stoffar som påverkar korleis du tenkjer og kjenner.",
    ),
    Term(
        "Foresatte",
        "De voksne som har ansvaret for deg, oftest foreldrene dine.",
        "The adults responsible for you, usually your parents.",
        ("foresatt", "føresett"),
        nn="Dei vaksne som har ansvaret for deg, oftast foreldra dine.",
        word_nn="Føresette",
    ),
    Term(
        "Foreldreansvar",
        "Retten og plikten foreldre har til å ta avgjørelser for barnet sitt.",
        "The right and duty of parents to make decisions for their child.",
        ("foreldreansvaret",),
        nn="Retten og plikta foreldre har til å ta avgjerder for barnet sitt.",
    ),
    Term(
        "Medvirkning",
        "At du får være med og si hva du mener før voksne bestemmer noe om deg.",
        "That you get to take part and say what you think before adults decide something about you.",
        ("medvirkningen", "medverknaden"),
        nn="At du får vere med og seie kva du meiner før vaksne bestemmer noko om deg.",
        word_nn="Medverknad",
    ),
    Term(
        "Journal",
        "Notatene en helsetjeneste skriver om deg. Du har rett til å lese dem.",
        "The notes a health service writes about you. You have the right to read them.",
        ("journalen",),
        nn="Notata ei helseteneste skriv om deg. Du har rett til å lese dei.",
    ),
    Term(
        "Innsyn",
        "Retten til å se hva som er skrevet om deg.",
        "The right to see what has been written about you.",
        ("innsynet",),
        nn="Retten til å sjå kva som er skrive om deg.",
    ),
    Term(
        "Personvern",
        "Din rett til å bestemme over opplysninger om deg selv.",
        "Your right to decide about information about yourself.",
        ("personvernet",),
        nn="Retten din til å bestemme over opplysningar om deg sjølv.",
    ),
    Term(
        "Kartlegging",
        "Når en tjeneste finner ut mer om hvordan du har det og hva du trenger.",
        "When a service finds out more about how you are doing and what you need.",
        ("kartleggingen", "kartlegginga"),
        nn="Når ei teneste finn ut meir om korleis du har det og kva du treng.",
    ),
    Term(
        "Bekymringsmelding",
        "Et brev til barnevernet fra noen som er bekymret for et barn.",
        "A letter to child welfare from someone who is worried about a child.",
        ("bekymringsmeldingen", "bekymringsmeldinga"),
        nn="Eit brev til barnevernet frå nokon som er bekymra for eit barn.",
    ),
    Term(
        "Undersøkelse",
        "Når barnevernet finner ut mer etter en bekymringsmelding, ved å snakke med deg og familien.",
        "When child welfare looks into a report of concern by talking with you and your family.",
        ("undersøkelsen", "undersøkinga"),
        nn="Når barnevernet finn ut meir etter ei bekymringsmelding, ved å snakke med deg og familien.",
        word_nn="Undersøking",
    ),
    Term(
        "Oppfølgingstjenesten",
        "Hjelp fra fylket til unge mellom 15 og 21 som ikke går på skole eller har jobb.",
        "County help for young people aged 15 to 21 who are not at school or in work.",
        nn="Hjelp frå fylket til unge mellom 15 og 21 som ikkje går på skule eller har jobb.",
        word_nn="Oppfølgingstenesta",
    ),
    Term(
        "Fritidskontakt",
        "En voksen fra kommunen som hjelper deg å finne og komme i gang med en fritidsaktivitet.",
        "An adult from the municipality who helps you find and start a leisure activity.",
        nn="Ein vaksen frå kommunen som hjelper deg å finne og komme i gang med ein fritidsaktivitet.",
    ),
    Term(
        "Krisesenter",
        "Et trygt sted å bo en stund for den som blir utsatt for vold hjemme.",
        "A safe place to stay for a while for someone who faces violence at home.",
        ("krisesenteret",),
        nn="Ein trygg stad å bu ei stund for den som blir utsett for vald heime.",
    ),
]


def terms_matching(query: str) -> list[Term]:
    """Terms whose word (bokmål or nynorsk), other forms or explanation (in the current language)
    contain `query`."""
    query = query.strip().lower()
    terms = sorted(TERMS, key=lambda term: term.shown_word().lower())
    if not query:
        return terms
    return [
        term
        for term in terms
        if query in term.word.lower()
        or query in term.word_nn.lower()
        or any(query in form.lower() for form in term.also)
        or query in term.explanation().lower()
    ]


@cache
def term_pattern() -> tuple[re.Pattern[str], dict[str, Term]]:
    forms: dict[str, Term] = {}
    for term in TERMS:
        for form in filter(None, (term.word, term.word_nn, *term.also)):
            forms[form.lower()] = term
    # Longest first, so "Helsestasjon for ungdom" wins over shorter words inside it.
    alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\wæøåÆØÅ-])({alternatives})(?![\wæøåÆØÅ-])", re.IGNORECASE), forms
