"""Word lists shared by the detectors: common words, drugs, feelings, relations.

The drug words come from the project's one lexicon (nlu_components/substances.yml and
drug_names.yml, read by nlu_components/drug_words.py without spaCy). All words are
lower-case; checks are case-insensitive.
"""

from __future__ import annotations

import re

from nlu_components.drug_words import all_drug_words


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a string, as a set."""
    return frozenset(text.split())


def alternation(options: frozenset[str]) -> str:
    """A regex alternation of the words, longest first, escaped."""
    return "|".join(re.escape(word) for word in sorted(options, key=lambda w: (-len(w), w)))


FUNCTION_WORDS = words(
    """
    a an the this that these those my your his her its our their me him us them i you he she
    it we they myself yourself himself herself mine yours ours theirs and or but nor so yet if
    then than as at by for from in into of off on onto out over to up down with without about
    above after again against all am are be been being before below between both can could did
    do does doing done each few further had has have having here there how is just more most
    no not now only other own same should some such too very was were what when where which
    while who whom why would yes also still even ever already almost always never
    sometimes usually really actually honestly literally totally currently finally probably
    maybe perhaps kinda sorta pretty quite rather super any anyone anything someone something
    somebody nobody nothing none everyone everything every one im i'm i’m ive i've it's its
    that's thats dont don't cant can't wont won't didnt didn't isnt isn't wasnt wasn't im
    """
)

NOT_A_NAME = FUNCTION_WORDS | words(
    """
    private anonymous confidential unimportant irrelevant withheld redacted unknown name
    secret optional personal
    """
)

# Drug names that are as often people's names: "my name is Molly", "this is Brandy calling".
_GIVEN_NAMES = words("allegra brandy molly soma sonata")

# Never a person's name, never a street name.
DRUGS = all_drug_words() - _GIVEN_NAMES

# Words that, after "I'm", "this is", "call me" etc., are not a name: states, feelings,
# roles, time words, common verbs.
STOP = (
    NOT_A_NAME
    | DRUGS
    | words(
        """
    scared afraid worried anxious nervous terrified panicking panicked confused lost stuck
    sick ill tired exhausted sleepy drowsy dizzy fine ok okay good great well bad sad
    depressed lonely alone desperate hopeless helpless ashamed embarrassed sorry glad happy
    grateful thankful sure unsure certain curious new back home late early ready clean
    sober addicted dependent hooked pregnant nursing breastfeeding bipolar diabetic
    epileptic allergic old young older younger male female single married divorced
    widowed homeless broke poor struggling trying taking using detoxing withdrawing going
    getting feeling having doing thinking looking asking calling speaking wondering
    concerned overwhelmed freaking losing dying upset angry mad frustrated paranoid crazy
    insane stupid dumb alive awake asleep high drunk stoned wasted numb weak shaky restless
    better worse alright awful horrible terrible kind mean nice honest serious hurt hurting
    suicidal safe unsafe fucked screwed done finished free busy away outside inside
    stressed stressing shaking sweating dramatic weird strange hungry thirsty cold hot
    sorta prescribed disabled retired unemployed employed pregnant recovering relapsing
    christian catholic jewish muslim american mexican black white gay straight trans
    mom mother dad father parent parents wife husband son daughter sister brother friend
    partner boyfriend girlfriend fiance fiancee kid kids child children baby patient nurse
    doctor dr caregiver teacher student veteran vet addict alcoholic user person guy girl
    man woman human bot robot adult minor teen teenager grandmother grandma grandpa
    grandfather grandson granddaughter aunt uncle cousin nephew niece roommate neighbor
    coworker boss client family member counselor therapist pharmacist prescriber
    today tomorrow tonight yesterday later soon asap morning afternoon evening night week
    weekend month year years months weeks days day hours hour minutes time times
    monday tuesday wednesday thursday friday saturday sunday christmas easter thanksgiving
    anytime whenever please pls plz thx thanks thank tmrw tmr once because since until
    instead directly sometime first last next around before after again anymore anyway
    need needs needed want wants wanted took take takes taken give gave given got get gets
    know knew think thought feel felt said says say tell told ask asked help helped call
    called speak spoke talk talking texting writing reaching messaging emailing gonna wanna
    gotta can could would should will shall might must may let lets question questions
    regarding re hi hello hey bye goodbye yeah yep nope nah yo sir maam madam hell
    one two three four five six seven eight nine ten twenty thirty forty fifty hundred
    mg mcg milligrams pills pill tablets tablet dose doses meds medication medications
    medicine medicines drug drugs prescription script rx pharmacy hospital er clinic
    center rehab detox treatment therapy withdrawal withdrawals addiction overdose
    overdosing seizure seizures anxiety panic insomnia sleep insurance appointment
    side effects effect symptoms problem problems issue issues thing things stuff way
    ex god hard difficult tough scary ridiculous unbelievable annoying exhausting confusing
    nuts fed up sick tired desperate lucky blessed cursed screwed stable unstable calm
    relaxed sedated groggy foggy shaking jittery wired zonked sleeping awake pretty fine
    dob ssn phone email e-mail cell mobile tel fax address card number age sex gender id zip
    birthday born dx diagnosis insurance medicaid medicare policy member
    tryna quit quitting stop stopping taper tapering mid bed ridden fake cold turkey legit
    right left lady boy men women coach pastor priest landlord owner mate buddy bro sis dude
    babe hubby wifey bf gf bff step everybody urgent important dangerous normal common
    quickly urgently immediately latina latino latinx hispanic asian
    found stole steals swallowed ate eats drank drinks mixed mixes overdosed passed fell
    started stopped keeps kept uses used buys bought goes went came comes thinks snorted
    smoked crushed injected hid hides lied lies just also recently suddenly won't can't
    """
    )
)

# Name particles kept inside a name: "Maria de la Cruz".
PARTICLES = words("de la del della van von der den da di du le st bin ibn al el mac dos das")

RELATIONS = words(
    """
    son daughter husband wife boyfriend girlfriend partner fiance fiancee brother sister
    mom mother dad father stepson stepdaughter stepmom stepdad grandson granddaughter
    grandma grandmother grandpa grandfather friend roommate cousin nephew niece aunt uncle
    kid child baby teen teenager neighbor coworker mum
    """
)

# Words that look like names after "i'm", "this is", "thanks" because people capitalise them:
# months, languages and nationalities ("it's june", "i'm mexican", "this is english").
_CAPITALISED_WORDS = words(
    """
    january february march april may june july august september october november december
    english spanish french german italian chinese japanese korean russian arabic
    american mexican canadian cuban puerto rican dominican salvadoran guatemalan colombian
    venezuelan peruvian argentinian chilean honduran british irish european african
    indian native filipino vietnamese haitian jamaican brazilian portuguese
    protestant baptist methodist lutheran mormon buddhist hindu atheist agnostic
    google facebook instagram snapchat tiktok twitter reddit youtube whatsapp
    """
)

# Spanish words never a name after "soy", "me llamo", "mi hijo" or in a name: function words,
# states, roles, relations ("soy adicto", "soy la madre de", "mi hijo tomó").
SPANISH_NOT_A_NAME = words(
    """
    y e o u ni que qué mi mis tu tus su sus nuestro nuestra un una unos unas el la los las lo
    al del de en con sin por para pero porque como cuando donde muy más menos ya aún todavía
    también tampoco solo sólo yo tú él ella nosotros ellos ellas usted ustedes me te se le les
    nos es soy eres somos son era fui estoy está están estaba tengo tiene tienen tenía he ha
    hay hace voy va vamos puedo puede quiero quiere necesito necesita tomo toma tomó tomé
    tomaba tomando dio di sé no sí si bien mal aquí ahí allí ahora hoy mañana ayer hola gracias
    buenas buenos días tardes noches adiós favor señor señora señorita don doña
    adicto adicta alcohólico alcohólica dependiente nuevo nueva mayor menor joven viejo vieja
    paciente enfermero enfermera médico médica doctor doctora estudiante maestro maestra
    madre padre mamá papá hijo hija hijos hijas esposo esposa marido mujer novio novia pareja
    hermano hermana abuelo abuela nieto nieta tío tía primo prima sobrino sobrina amigo amiga
    vecino vecina compañero compañera cuidador cuidadora familiar persona hombre chico chica
    niño niña bebé adolescente
    diabético diabética epiléptico epiléptica alérgico alérgica bipolar embarazada
    casado casada soltero soltera divorciado divorciada viudo viuda
    mexicano mexicana latino latina hispano hispana español española americano americana
    cubano cubana colombiano colombiana venezolano venezolana argentino argentina peruano
    peruana dominicano dominicana salvadoreño salvadoreña guatemalteco guatemalteca
    ansioso ansiosa nervioso nerviosa preocupado preocupada triste asustado asustada cansado
    cansada enfermo enferma sobrio sobria limpio limpia desesperado desesperada confundido
    confundida perdido perdida solito solita
    enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre
    diciembre lunes martes miércoles jueves viernes sábado domingo
    """
)

# Never a name, in English or Spanish (storage/redaction/names.py).
NAME_STOP = (
    STOP
    | _CAPITALISED_WORDS
    | SPANISH_NOT_A_NAME
    | words(
        """
    doc docs guys folks team everybody all yall y'all ya od od'd oded overdosed relapsed
    vegan vegetarian adhd ocd ptsd autistic asthmatic god jesus christ lord dios cristo
    """
    )
)

SPANISH_RELATIONS = words(
    """
    hijo hija hijos hijas esposo esposa marido mujer novio novia pareja hermano hermana
    madre padre mamá papá abuelo abuela nieto nieta tío tía primo prima sobrino sobrina
    amigo amiga vecino vecina compañero compañera suegro suegra cuñado cuñada yerno nuera
    """
)
