"""Name, title, agency and device pools for the matching benchmark's generator (Bali programme, 2023)."""

from __future__ import annotations

import random
from collections.abc import Sequence


def _names(text: str) -> list[str]:
    return list(dict.fromkeys(text.split()))


BIRTH_ORDER = {
    1: ["Wayan", "Putu", "Gede"],
    2: ["Made", "Kadek", "Nengah"],
    3: ["Nyoman", "Komang"],
    4: ["Ketut"],
}
ALL_BIRTH_ORDER = frozenset(word for words in BIRTH_ORDER.values() for word in words)
# Rank of each birth-order word as rosters write it (`Gde` is Gede), for the generator's truth.
RANK = {**{w: r for r, words in BIRTH_ORDER.items() for w in words}, "Gde": 1}
BALI_ABBREVIATIONS = {
    "Made": "Md.",
    "Ketut": "Kt.",
    "Wayan": "Wyn.",
    "Nyoman": "Nym.",
    "Komang": "Kmg.",
    "Putu": "Pt.",
    "Gede": "Gd.",
    "Kadek": "Kdk.",
    "Ngurah": "Ngr.",
    "Gusti": "Gst.",
    "Cokorda": "Cok.",
}

BALI_MALE = _names(
    """
    Sudarma Suarjana Wirawan Arsana Sukadana Mahendra Wiguna Astawa Suardana Adnyana Pradnyana Artawan
    Sutama Sumerta Widiantara Parwata Budiarta Suastika Ariawan Sedana Darmawan Yasa Merta Wijaya Putra
    Sanjaya Antara Wardana Kusuma Suyasa Sukerta Gunawan Suparta Sudiarsa Mertayasa Sumantra Swastika
    Ardana Budiasa Raka Rai Oka Alit Sujana Suweca Sudirga Arimbawa Ardika Juliarta Suartana Sastrawan
    Adi Agus Eka Yoga Surya Arya Bayu Hendra Indra Krisna Nanda Widia Aditya Pramana Saputra Mahardika
    Prasetya Atmaja Wiratama Purnama Sentana Suwirya Darmada Sumadi Karsana Suparsa Wartama Sunarta
    Mudiarta Suarsana Sudana Sukarta Wirata Jaya Sudiana Widnyana Darmayasa Suarta Sudarsana Kariasa
    Sukayasa Pasek Sukrawan Mertha Arnawa Wisnawa Sutrisna Suweta Gelgel Budiana Sukarmawan Sunada
    Ariana Sumarjaya Dwipayana Swandana Tirta Suda Yasa Wisnawa Widnyana Sukarma Artana Astika Budiartha
    Darmawijaya Dharmayasa Gunarta Jayadi Kertayasa Mardana Narendra Pariartha Purnawan Rediasa Sudiatmika
    Suastawa Subawa Suwardika Triadi Wirajaya Yudiantara Agastya Suryawan Dharma Sudharta Widiada Wirya
    Pande Aryawan Budiarsa Candra Darsana Ekawana Juniartha Karyasa Manik Nuaba Ardiasa Ardiyasa Sadia
    Sukanadi Sumardika Suweda Tenaya Wardika Widarta Yudistira
    """
)
BALI_FEMALE = _names(
    """
    Lestari Sukmawati Suryani Astuti Dewi Yuliantari Wulandari Ariani Purnamasari Handayani Sudiasih
    Suarni Sumiati Widiastuti Rusmini Sri Ayu Eka Kartika Puspita Sari Wahyuni Suciati Mariani Sumartini
    Sukerti Sriasih Suartini Yuliani Anggreni Novitasari Kusumawati Ratnadi Darmayanti Suwitri Sudarmi
    Wartini Sumertini Krisnayanti Pratiwi Utami Rahayu Permatasari Apriani Setiawati Sudewi
    Suastini Arini Sukarini Wiraswari Widiari Mahayani Sudiartini Padmi Rasmini Sukreni Suarmini Windari
    Yuliastini Purnamawati Wardani Indrayani Agustini Ratih Sintya Oktaviani Damayanti Rustini Suciani
    Suandewi Sumerti Ekayanti Widhiasih Sintadewi Ariasih Sugiantari Yuniastuti Parwati Suarningsih
    Ratnawati Setiari Puspawati Trisnawati Mertasari Sukarsini Widyastuti Sudarsini Kariani Lasmini
    Sumariani Sutarmi Swandewi Wahyuni Widyantari Candrawati Dharmiasih Gayatri Indrawati Juliantari
    Marheni Paramitha Rusmawati Sekarini Sudarsani Sriyani Wirastini Yuniari
    """
)
_JAVA_MALE_FIRST = _names(
    """
    Budi Agus Bambang Joko Eko Hadi Slamet Sugeng Heru Teguh Wahyu Yudi Dwi Tri Andi Dedi Rudi Arif Dani
    Fajar Adi Ari Bagus Agung Dimas Galih Bayu Hendra Imam Rahmat
    """
)
_JAVA_LAST = _names(
    """
    Santoso Setiawan Prasetyo Nugroho Susilo Wicaksono Kurniawan Saputro Gunawan Haryanto Suryadi Widodo
    Sulistyo Pramono Suharto Sukarno Sutrisno Hartono Wibowo Sugiarto Purnomo Suparman Purwanto Cahyono
    Sudarsono Suyono Hidayat Raharjo Wahyudi Firmansyah Kuncoro Mulyono Sumantri Subagyo Handoko
    Priyanto Santosa Utomo Wardoyo Budiman
    """
)
_JAVA_FEMALE_FIRST = _names(
    """
    Sri Dewi Endang Tri Dwi Ratna Wulan Indah Yuni Rini Rina Eka Nur Ani Tutik Sulastri Lilis Yeni Diah
    Retno
    """
)
_JAVA_FEMALE_LAST = _names(
    """
    Lestari Wahyuni Handayani Rahayu Puspitasari Kusumawati Setyaningsih Wahyuningsih Susanti Suryani
    Utami Pratiwi Astuti Sulistyowati Purwanti Mulyani Yuliani Wijayanti Hartini Sumarni Sumiyem
    Rahmawati Kurniasih Nurhayati Anggraini Maryati Suharti Wulandari Prihatin Kristiani
    """
)
_SUNDA_MALE_FIRST = _names(
    """
    Asep Dede Ujang Cecep Yayat Ade Dadang Tatang Iwan Deden Engkus Aep Acep Wawan Encep
    """
)
_SUNDA_LAST = _names(
    """
    Sunarya Permana Hidayat Saepudin Rukmana Kurniawan Suhendar Sopian Supriatna Komarudin Mulyana
    Nurjaman Kusnadi Ruhiyat Sobari Setiadi Hermawan Rohmat Jamaludin Sumarna Gumilar Sutisna Rosadi
    """
)
_SUNDA_FEMALE_FIRST = _names(
    """
    Euis Neneng Iis Enok Yanti Rina Ai Eneng Entin Nining Cucu Imas Nenden Lilis Wiwin
    """
)
_SUNDA_FEMALE_LAST = _names(
    """
    Nurlela Rohaeti Kurniasih Komalasari Sumiati Rostiana Herawati Suryati Nuraeni Mulyati Rosmiati
    Hayati Sukaesih
    """
)
_MUSLIM_MALE_FIRST = _names(
    """
    Muhammad Ahmad Abdul Rizki Fauzi Ilham Irfan Fikri Syaiful Zainal Hasan Husain Yusuf Ismail Ibrahim
    Khairul Syamsul Arif Yahya
    """
)
_MUSLIM_MALE_LAST = _names(
    """
    Rahman Aziz Karim Halim Malik Rasyid Hidayatullah Fauzan Ridwan Maulana Ramadan Hakim Syafii Anshori
    Zulkarnain Nasution Harahap Lubis Siregar Taufik Hamzah Rifai
    """
)
_MUSLIM_FEMALE_FIRST = _names(
    """
    Siti Nur Fatimah Aisyah Khadijah Annisa Rahma Zahra Laila Maryam Nurul Dian
    """
)
_MUSLIM_FEMALE_LAST = _names(
    """
    Aminah Hidayah Aini Hayati Rahmawati Zulaikha Fitriani Khoirunnisa Mardiyah Rohmah Sholihah Azizah
    Maulida Safitri Febriani Ramadhani Nuraini Hasanah
    """
)
# Batak and other Christian names: a given name and a clan name that thousands share (DOMAIN.md).
_CHRISTIAN_MALE_FIRST = _names(
    """
    Yohanes Paulus Stefanus Daniel Samuel Yosef Petrus Markus Lukas Fransiskus Robert Jonathan Hotman
    Parulian Togar Maruli Benny Rudolf Yakobus Timotius
    """
)
_CHRISTIAN_FEMALE_FIRST = _names(
    """
    Maria Agustina Elisabeth Kristina Fransiska Ruth Debora Magdalena Rosmawati Lamria Tiurma Yohana
    Veronika Theresia Roslina Marlina
    """
)
_CLANS = _names(
    """
    Siregar Simanjuntak Sitompul Panjaitan Hutapea Situmorang Nainggolan Sinaga Manurung Simatupang Pardede
    Tambunan Sihombing Hutagalung Lumbantobing Pasaribu Sianturi Silalahi Lumempouw Wenas Pangemanan
    """
)
# South Sulawesi (Bugis) families: the noble `Andi` before an Arabic-Indonesian name.
_BUGIS_MALE = _names(
    "Andi Baso Muhammad Arung Akbar Syahrir Amiruddin Rusli Ridwan Tenri Mappa Amir Syamsuddin"
)
_BUGIS_FEMALE = _names("Andi Besse Tenri Nurhayati Hasnah Rosmiati Sitti Fatmawati Nurbaya Hasniati")
_BUGIS_LAST = _names("Mappaseng Pawelloi Patonangi Makkasau Rahim Baso Mattalatta Tenriawaru Massiara")
# Minangkabau names: often one or two given names with an ending of their own.
_MINANG_MALE = _names("Afrizal Yulizar Syafrizal Zulfikar Hendri Deswandi Efendi Yasril Rinaldi Fadli")
_MINANG_FEMALE = _names("Desmawati Yulnita Rahmi Elfira Syafnita Netti Yusnelly Rosnida Yenni Fitrilia")
_MINANG_LAST = _names("Yuliandri Syahputra Amril Jusman Zulkifli Hamdani Yusra Nofrizal Desriani Elvira")
FIRST_AND_LAST = {
    ("java", False): (_JAVA_MALE_FIRST, _JAVA_LAST),
    ("java", True): (_JAVA_FEMALE_FIRST, _JAVA_FEMALE_LAST),
    ("sunda", False): (_SUNDA_MALE_FIRST, _SUNDA_LAST),
    ("sunda", True): (_SUNDA_FEMALE_FIRST, _SUNDA_FEMALE_LAST),
    ("muslim", False): (_MUSLIM_MALE_FIRST, _MUSLIM_MALE_LAST),
    ("muslim", True): (_MUSLIM_FEMALE_FIRST, _MUSLIM_FEMALE_LAST),
    ("christian", False): (_CHRISTIAN_MALE_FIRST, _CLANS),
    ("christian", True): (_CHRISTIAN_FEMALE_FIRST, _CLANS),
    ("bugis", False): (_BUGIS_MALE, _BUGIS_LAST),
    ("bugis", True): (_BUGIS_FEMALE, _BUGIS_LAST),
    ("minang", False): (_MINANG_MALE, _MINANG_LAST),
    ("minang", True): (_MINANG_FEMALE, _MINANG_LAST),
}
# Modern spelling -> the pre-1972 spelling some older civil servants keep on their papers.
OLD_SPELLING = {
    "Sukarno": "Soekarno",
    "Suharto": "Soeharto",
    "Joko": "Djoko",
    "Sutrisno": "Soetrisno",
    "Purwanto": "Poerwanto",
    "Cahyono": "Tjahjono",
    "Sudarsono": "Soedarsono",
    "Suyono": "Soejono",
    "Syamsul": "Sjamsul",
    "Yahya": "Jahja",
    "Khairul": "Chairul",
    "Budiman": "Boediman",
    "Sumarni": "Soemarni",
    "Suparman": "Soeparman",
    "Yuni": "Joeni",
    "Ramadan": "Ramadhan",
    "Taufik": "Taufiq",
    "Rizki": "Rizqi",
}
_MODERN = {old: new for new, old in OLD_SPELLING.items()}
# Every name word of the pools in its modern spelling (old spellings are the same names).
MODERN_WORDS = frozenset(
    w.lower()
    for pool in (BALI_MALE, BALI_FEMALE, *(w for pair in FIRST_AND_LAST.values() for w in pair))
    for w in pool
)
ALL_WORDS = MODERN_WORDS | {w.lower() for w in OLD_SPELLING.values()}

PREFIX_MALE = ["Drs.", "Dr.", "Ir.", "H.", "dr.", "Prof. Dr.", "Ir. H.", "Drs. H.", "K.H."]
PREFIX_FEMALE = ["Dra.", "Dr.", "Hj.", "dr.", "Ir.", "Hj. Dra."]
BACHELOR = _names(
    """
    S.Kom. S.Pd. S.E. S.H. S.Sos. S.T. S.IP. S.Kep. S.Ag. A.Md. A.Md.Kep. S.Tr.Kes. S.Farm. S.Psi. SE
    S.Kom S.Pd.H. S.Ked. S.KM. S.Si. S.Th. S.Pd.I. S.STP. A.Md.Keb.
    """
)
MASTER = _names(
    """
    M.Si. M.M. M.Pd. M.Kom. M.AP. M.H. M.T. M.Kes. Ph.D. Sp.A. MM M.Si M.Ak. M.Hum. M.Sc. M.Kn.
    """
)

# Region -> (agency as on the roster, what people type for it).
REGIONS = {
    "Bali": ("Pemerintah Provinsi Bali", ["Pemprov Bali", "Prov Bali", "Pemprov"]),
    "Denpasar": ("Pemerintah Kota Denpasar", ["Denpasar", "Dps", "Pemkot Denpasar"]),
    "Badung": ("Pemerintah Kabupaten Badung", ["Badung", "Bdg", "Pemkab Badung"]),
    "Buleleng": ("Pemerintah Kabupaten Buleleng", ["Buleleng", "Bll", "Pemkab Buleleng"]),
    "Gianyar": ("Pemerintah Kabupaten Gianyar", ["Gianyar", "Pemkab Gianyar"]),
    "Bangli": ("Pemerintah Kabupaten Bangli", ["Bangli"]),
    "Tabanan": ("Pemerintah Kabupaten Tabanan", ["Tabanan", "Tbn"]),
    "Karangasem": ("Pemerintah Kabupaten Karangasem", ["Karangasem"]),
}
DAYS = [("Bali", "Denpasar"), ("Badung", "Buleleng"), ("Bangli", "Gianyar"), ("Karangasem", "Tabanan")]
_COMMON_UNITS = {
    "Dinas Kesehatan": ["Dinkes"],
    "Dinas Komunikasi dan Informatika": ["Diskominfo", "Kominfo"],
    "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia": ["BKPSDM"],
    "Badan Perencanaan Pembangunan Daerah": ["Bappeda"],
    "Dinas Pendidikan": ["Disdik"],
    "Sekretariat Daerah": ["Setda"],
    "Inspektorat": ["Inspektorat"],
    "Dinas Pariwisata": ["Dispar"],
    "Dinas Sosial": ["Dinsos"],
    "Badan Pengelolaan Keuangan dan Aset Daerah": ["BPKAD"],
    "Dinas Kependudukan dan Pencatatan Sipil": ["Disdukcapil", "Dukcapil"],
    "Dinas Perhubungan": ["Dishub"],
}
_LOCAL_UNITS = {
    "Bali": ["RSUD Bali Mandara", "Badan Pendapatan Daerah"],
    "Denpasar": ["Kecamatan Denpasar Selatan", "Kecamatan Denpasar Barat", "Puskesmas Sanur", "RSUD Wangaya"],
    "Badung": [
        "Kecamatan Kuta",
        "Kecamatan Mengwi",
        "Kecamatan Kuta Selatan",
        "RSUD Mangusada",
        "Puskesmas Abiansemal",
    ],
    "Buleleng": ["Kecamatan Sukasada", "Kecamatan Seririt", "Puskesmas Gerokgak", "RSUD Buleleng"],
    "Gianyar": ["Kecamatan Ubud", "Kecamatan Sukawati", "RSUD Sanjiwani", "Puskesmas Tegallalang"],
    "Bangli": ["Kecamatan Kintamani", "Kecamatan Susut", "RSUD Bangli"],
    "Karangasem": ["Kecamatan Abang", "Kecamatan Manggis", "RSUD Karangasem"],
    "Tabanan": ["Kecamatan Kediri", "Kecamatan Marga", "RSUD Tabanan", "Puskesmas Penebel"],
}
UNITS = {region: [*_COMMON_UNITS, *_LOCAL_UNITS[region]] for region in REGIONS}


def unit_short(unit: str) -> list[str]:
    """What people type for a unit (`Dinkes` for `Dinas Kesehatan`, `Kec Kuta` for `Kecamatan Kuta`)."""
    if unit in _COMMON_UNITS:
        return _COMMON_UNITS[unit]
    head, _, rest = unit.partition(" ")
    short = {"Kecamatan": ["Kec", "Kec.", "Kecamatan"], "Puskesmas": ["PKM", "Puskesmas"], "RSUD": ["RSUD"]}
    return [f"{s} {rest}" for s in short.get(head, [head])]


DEVICES = [
    "iPhone",
    "iPhone 11",
    "iPad",
    "Galaxy A12",
    "Samsung",
    "Samsung Galaxy A52",
    "OPPO A5s",
    "Redmi Note 9",
    "vivo 1904",
    "Realme C11",
    "Infinix HOT 10",
    "User",
    "Zoom user",
    "Android",
    "Laptop",
    "Asus",
    "Lenovo",
]


def offices(region: str) -> list[str]:
    """Display names of a whole office watching together (nonton bareng)."""
    short = REGIONS[region][1][0]
    return [
        f"Ruang Rapat Dinkes {short}",
        f"BKPSDM {short}",
        f"Aula Kantor Camat {short}",
        f"Kominfo {short}",
        f"Ruang Rapat Bappeda {short}",
        "Aula Setda",
        f"Kantor Dinsos {short}",
    ]


def respell(rng: random.Random, words: Sequence[str]) -> tuple[str, ...]:
    """The same name in another spelling: old/new spelling, a Muhammad or Ahmad variant."""
    out = []
    for w in words:
        if w in OLD_SPELLING:
            out.append(OLD_SPELLING[w])
        elif w in _MODERN:
            out.append(_MODERN[w])
        elif w == "Muhammad":
            out.append(rng.choice(["M.", "Moh.", "Muh.", "Mochammad", "Mohamad", "Muhamad", "Moch."]))
        elif w == "Ahmad":
            out.append(rng.choice(["Achmad", "Akhmad"]))
        else:
            out.append(w)
    return tuple(out)


def same_rank(rng: random.Random, honorifics: Sequence[str]) -> tuple[str, ...]:
    """The honorifics with the birth-order word replaced by another word of the same rank."""
    out = []
    for h in honorifics:
        rank = next((r for r, words in BIRTH_ORDER.items() if h in words), None)
        out.append(rng.choice([w for w in BIRTH_ORDER[rank] if w != h] or [h]) if rank else h)
    return tuple(out)
