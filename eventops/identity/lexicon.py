"""Word lists for name normalisation: titles, degrees, Balinese honorifics, agencies and device words."""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """The words of a whitespace-separated list."""
    return frozenset(text.split())


# Every list is written in plain lower case; `eventops.names` also looks each entry up in its canonical
# spelling (old spellings, j/y, doubled letters), exactly as it reads the words people type.

# Titles written before a name, matched in any spelling (`Drs.`, `Drs`, `drs`): never identity.
PREFIX_TITLES = word_set(
    """
    prof dr drs dra drg drh ir hj kh ust ustad ustadz ustadzah ustazah habib ns apt raden
    tubagus ngabehi krt pemangku jro jero
    """
)
# A title only right after one of these (`Jro Mangku`, a temple priest; `Mangku` alone is also a name).
TITLE_AFTER = {"mangku": frozenset({"jro", "jero"})}
# Titles that are also plausible initials, so they count as titles only when written with a dot
# (`H.`, `R.A.`) or, for `h`, in front of every personal word (`H Ahmad`, not `Budi H`).
DOTTED_ONLY_TITLES = word_set("h ra rm rd rr bd ma ba me sa si ak ar")

# Academic degrees with their dots and spaces removed. `S. Kom`, `S.Kom.`, `SKom`, `S Kom` all read `skom`.
# Tokens with internal dots that are not on this list are recognised by shape (`S.Tr.Kes.`).
DEGREES = word_set(
    """
    se sh st sp ss sm ssos spd spdi spdsd skom sip sikom skep sag sthi shi ssi sst sstp stp sap sak sgz
    sfarm sked skg skh skm spsi ssn sds sei stat sth spt sars spi ssy sos str strkes strkeb strpar sten
    amd amdkep amdkeb amdkes amdak amdtrans amdfarm amdgz amdrad amdkom ama amapd amk
    mm mt mh msi mpd mpdi mkom map mkes mag msc mba mph mkn mhum mpsi mak mp mtr mtp mgz mfarm mkm mep
    mpa mec mcs mse mhi msos mikom mars mkep msn mtech meng mfil
    phd spa spog sppd spb spkj sprad spm spkk spp spjp spn span spthr sps spbs sportho
    cpa cfa ca ak bsc ba ma me llm dea
    """
)
# Degrees that are never a name or an initial, so they are dropped even without dots (`Budi Santoso SE`).
BARE_DEGREES = DEGREES - word_set("ma me ba ca ak sm ss mars")

# Forms of Muhammad that are not caught by the spelling pattern in `eventops.names`.
MUHAMMAD_SHORT = word_set("moh moch mokh muh much mukh mhd mhmd mohd muhd mochd")

# Words of address and other filler that carry no identity (`br.`/`boru`: a Batak woman's "daughter of" before
# her clan, written or left out).
FILLER = word_set(
    """
    pak bapak bpk bp bu ibu mas mbak mba kak bli mbok sdr sdri saudara saudari om tante ny nyonya tn tuan nn
    br boru
    kelompok klp kel angkatan gelombang batch grup group peserta nip no nomor hp wa telp tlp
    dan the of dari di ke untuk
    """
)

# Device, account and room words: a display name made only of these (and agency words) is a device.
DEVICE_WORDS = word_set(
    """
    iphone ipad ipod android samsung galaxy xiaomi redmi poco oppo vivo realme infinix huawei honor nokia
    tecno lenovo asus acer dell macbook mac laptop notebook pc komputer computer desktop tablet tab
    note pro max plus lite ultra mini prime hot spark reno nova camon iqoo oneplus one book pad think idea
    user zoom guest tamu unknown anonymous anonim owner admin operator host cohost moderator panitia mc
    ruang ruangan rapat aula meeting room lantai lt gedung studio my
    """
)

# Balinese honorifics, canonical word -> its role. Abbreviations map to these in HONORIFIC_ALIASES.
SEX_MARKERS = {"i": "male", "ni": "female", "luh": "female"}
BIRTH_ORDER = {
    "wayan": 1,
    "putu": 1,
    "gede": 1,
    "made": 2,
    "kadek": 2,
    "nengah": 2,
    "nyoman": 3,
    "komang": 3,
    "ketut": 4,
}
# Caste titles; the value groups the male and female forms of one caste.
CASTE_WORDS = {
    "gusti": "gusti",
    "cokorda": "cokorda",
    "dewa": "dewa",
    "desak": "dewa",
    "dayu": "ida",
    "gung": "agung",
}
# Words that are honorific only right after a caste word (`Ida Bagus`, `Anak Agung`, `I Gusti Ayu`) and
# personal names anywhere else (`Bagus Santoso`, `Agung Wicaksono`, `Ayu Lestari`).
CASTE_PAIRS = {
    ("ida", "bagus"): "ida",
    ("ida", "ayu"): "ida",
    ("anak", "agung"): "agung",
    ("gusti", "ayu"): "gusti",
    ("gusti", "agung"): "gusti",
    ("gusti", "bagus"): "gusti",
    ("agung", "ayu"): "agung",
    ("gung", "ayu"): "agung",  # `Gung Ayu`: Anak Agung Ayu, said short
    ("gusti", "ngurah"): "gusti",
    ("agung", "ngurah"): "agung",
    ("cokorda", "istri"): "cokorda",
    ("ida", "pedanda"): "ida",  # a Brahmana high priest
}
CASTE_HEADS = frozenset({"ida", "anak"})
# Neutral honorifics: a title of a caste member without saying which caste.
NEUTRAL_HONORIFICS = frozenset({"ngurah", "istri"})

HONORIFIC_ALIASES = {
    "wyn": "wayan",
    "wy": "wayan",
    "pt": "putu",
    "ptu": "putu",
    "gd": "gede",
    "gde": "gede",
    "md": "made",
    "mde": "made",
    "kdk": "kadek",
    "kdek": "kadek",
    "ngh": "nengah",
    "nym": "nyoman",
    "nymn": "nyoman",
    "kmg": "komang",
    "kt": "ketut",
    "ktt": "ketut",
    "ktut": "ketut",
    "gst": "gusti",
    "gsti": "gusti",
    "ngr": "ngurah",
    "cok": "cokorda",
    "cokor": "cokorda",
    "cokde": "cokorda",
}
# Initials of Balinese titles written together (`IB`, `I.B.`, `A.A.`, `IGA`): expanded before reading.
HONORIFIC_INITIALS = {
    "ib": ("ida", "bagus"),
    "ia": ("ida", "ayu"),
    "aa": ("anak", "agung"),
    "aag": ("anak", "agung", "gede"),
    "aan": ("anak", "agung", "ngurah"),
    "aaa": ("anak", "agung", "ayu"),
    "ig": ("i", "gusti"),
    "iga": ("i", "gusti", "ayu"),
    "igaa": ("i", "gusti", "agung", "ayu"),
    "ign": ("i", "gusti", "ngurah"),
    "igb": ("i", "gusti", "bagus"),
    "igp": ("i", "gusti", "putu"),
    "igm": ("i", "gusti", "made"),
    "igk": ("i", "gusti", "ketut"),
    "igst": ("i", "gusti"),
}

# Agency and unit words -> a canonical code. A display name's codes are compared with the codes of each
# roster entry's agency and unit text (built with the same table), so `Dinkes Bdg` meets
# `Pemerintah Kabupaten Badung / Dinas Kesehatan`.
_AGENCY_GROUPS = {
    "prov": "pemprov provinsi prov",
    "kab": "pemkab kabupaten kab",
    "kota": "pemkot kota",
    "dinkes": "dinkes diskes kesehatan",
    "kominfo": "diskominfo kominfo diskominfos komunikasi informatika",
    "bkpsdm": "bkpsdm bkpsdmd bkd bkpp kepegawaian",
    "bappeda": "bappeda bapelitbang perencanaan pembangunan",
    "setda": "setda sekda sekretariat",
    "setwan": "setwan dprd",
    "disdik": "disdik dikbud disdikpora diknas pendidikan",
    "inspektorat": "inspektorat itda",
    "rsud": "rsud",
    "puskesmas": "puskesmas pkm",
    "kecamatan": "kecamatan kec",
    "kelurahan": "kelurahan",
    "desa": "desa",
    "dukcapil": "dukcapil disdukcapil kependudukan",
    "dishub": "dishub perhubungan",
    "dinsos": "dinsos sosial",
    "dispar": "dispar pariwisata",
    "dlh": "dlh lingkungan",
    "pupr": "pupr dpupr",
    "bpbd": "bpbd bencana",
    "bpkad": "bpkad keuangan",
    "bapenda": "bapenda pendapatan",
    "satpolpp": "satpol satpolpp",
    "kesbangpol": "kesbangpol",
    "dpmptsp": "dpmptsp perizinan",
    "dispora": "dispora",
    "disperindag": "disperindag perdagangan",
    "diskop": "diskop koperasi",
    "distan": "distan pertanian",
    "disbud": "kebudayaan disbud",
    "bali": "bali",
    "denpasar": "denpasar dps",
    "badung": "badung bdg",
    "buleleng": "buleleng bll",
    "gianyar": "gianyar gyr",
    "bangli": "bangli",
    "jembrana": "jembrana",
    "klungkung": "klungkung",
    "karangasem": "karangasem",
    "tabanan": "tabanan tbn",
    "kaltim": "kaltim",
    "samarinda": "samarinda",
    "balikpapan": "balikpapan",
    "bontang": "bontang",
    "kukar": "kukar",
    "kutai": "kutai",
    "berau": "berau",
    "jateng": "jateng",
    "jatim": "jatim",
    "jabar": "jabar",
    "semarang": "semarang",
    "surakarta": "surakarta",
    "magelang": "magelang",
    "banyumas": "banyumas",
    "cilacap": "cilacap",
    "pekalongan": "pekalongan",
}
AGENCY_CODES = {word: code for code, words in _AGENCY_GROUPS.items() for word in words.split()}
# Codes that name a government (a province, a regency, a city) rather than an office: after the name of
# a place (`Kec Sukasada Bll`) such a code closes it.
REGION_CODES = word_set(
    """
    prov kab kota bali denpasar badung buleleng gianyar bangli jembrana klungkung karangasem tabanan
    kaltim samarinda balikpapan bontang kukar kutai berau jateng jatim jabar semarang surakarta magelang
    banyumas cilacap pekalongan
    """
)
# Provinces written in full on rosters and shortened by people (`Pemerintah Provinsi Jawa Tengah`, `Jateng`).
AGENCY_PHRASES = {
    "jawa tengah": "jateng",
    "jawa timur": "jatim",
    "jawa barat": "jabar",
    "kalimantan timur": "kaltim",
}
# Agency words that say where the person works but not which office: they are not compared.
AGENCY_GENERIC = word_set(
    """
    pemerintah pemda dinas badan kantor bagian bag bidang bid seksi subbag sub upt uptd unit kerja opd daerah
    negeri sd sdn smp smpn sma sman smk smkn rs
    """
)
# Agency words after which the rest of the segment names a place or an office (`Kec Kuta Selatan`).
PLACE_PREFIXES = word_set(
    """
    kecamatan kec kelurahan desa puskesmas pkm rsud rs upt uptd sd sdn smp smpn sma sman smk smkn
    dinas badan bagian bag bidang bid seksi subbag kantor
    """
)
