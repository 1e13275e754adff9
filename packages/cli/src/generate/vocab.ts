/** Word lists for realistic Indonesian civil-service data. Plain data, no logic. */

export const MALE_NAMES = [
  'Agus', 'Budi', 'Dedi', 'Eko', 'Hendra', 'Joko', 'Slamet', 'Bambang', 'Andi', 'Rizki', 'Fajar', 'Arif',
  'Teguh', 'Wahyu', 'Yusuf', 'Hadi', 'Sutrisno', 'Imam', 'Dimas', 'Bayu', 'Rudi', 'Hasan', 'Iwan', 'Ahmad',
  'Muhammad', 'Surya', 'Gede', 'Made', 'Putu', 'Ketut', 'Asep', 'Ujang', 'Dadang', 'Yoga', 'Adi', 'Rahmat',
] as const;

export const FEMALE_NAMES = [
  'Siti', 'Sri', 'Dewi', 'Rina', 'Wulan', 'Ratna', 'Endang', 'Yuliani', 'Nur', 'Fitri', 'Ayu', 'Putri',
  'Indah', 'Lestari', 'Rahayu', 'Nining', 'Kartika', 'Anisa', 'Dian', 'Eka', 'Novi', 'Retno', 'Wati',
  'Sari', 'Ni Luh', 'Ni Made', 'Tuti', 'Yanti', 'Maya', 'Intan', 'Rizka', 'Dwi', 'Tri', 'Laila', 'Aisyah',
] as const;

export const FAMILY_NAMES = [
  'Santoso', 'Wijaya', 'Saputra', 'Hidayat', 'Setiawan', 'Nugroho', 'Kurniawan', 'Pratama', 'Susanto',
  'Prasetyo', 'Gunawan', 'Utomo', 'Siregar', 'Nasution', 'Harahap', 'Simanjuntak', 'Lubis', 'Sinaga',
  'Wibowo', 'Hartono', 'Purnomo', 'Suryadi', 'Rahman', 'Hakim', 'Permana', 'Kusuma', 'Handayani',
  'Anggraini', 'Puspitasari', 'Maharani', 'Wulandari', 'Suryani', 'Hasibuan', 'Pangaribuan', 'Tanjung',
  'Situmorang', 'Manurung', 'Daulay', 'Ginting', 'Sembiring', 'Tarigan', 'Pohan', 'Batubara',
] as const;

/** Academic titles by highest level held: front titles and back titles. */
export const BACK_TITLES: Record<string, readonly string[]> = {
  D3: ['A.Md.', 'A.Md.Kep.', 'A.Md.Keb.', 'A.Md.Kom.'],
  D4: ['S.Tr.', 'S.ST.', 'S.Tr.Kes.'],
  S1: ['S.H.', 'S.E.', 'S.Kom.', 'S.Sos.', 'S.Pd.', 'S.T.', 'S.Hut.', 'S.Ak.', 'S.I.P.', 'S.Kep.'],
  S2: ['M.Si.', 'M.H.', 'M.M.', 'M.Pd.', 'M.T.', 'M.A.P.', 'M.Kes.', 'M.Ec.Dev.'],
  S3: ['M.Si.', 'M.H.', 'M.Sc.', 'M.P.A.'],
};

export const UNIVERSITIES = [
  'Universitas Gadjah Mada', 'Universitas Indonesia', 'Institut Teknologi Bandung', 'Universitas Diponegoro',
  'Universitas Airlangga', 'Universitas Padjadjaran', 'Universitas Brawijaya', 'Universitas Negeri Yogyakarta',
  'Universitas Terbuka', 'Universitas Hasanuddin', 'Universitas Sebelas Maret', 'Institut Pertanian Bogor',
  'Universitas Jenderal Soedirman', 'Universitas Pendidikan Indonesia', 'Universitas Mulawarman',
  'Universitas Islam Indonesia', 'STIA LAN Jakarta', 'Politeknik STIA LAN Bandung', 'Universitas Riau',
] as const;

export const POLYTECHNICS = [
  'Politeknik Negeri Bandung', 'Politeknik Negeri Semarang', 'Politeknik Kesehatan Kemenkes Yogyakarta',
  'Politeknik Negeri Batam', 'Politeknik Negeri Jakarta', 'Politeknik Ilmu Pemasyarakatan',
  'Akademi Keperawatan Pemkab Batang', 'Politeknik Negeri Samarinda',
] as const;

export const SCHOOL_CITIES = [
  'Yogyakarta', 'Bandung', 'Surabaya', 'Semarang', 'Batang', 'Purworejo', 'Majalengka', 'Bontang', 'Batam',
  'Sleman', 'Bantul', 'Malang', 'Cirebon', 'Pekalongan', 'Magelang', 'Kediri', 'Jakarta', 'Bima',
] as const;

export const MAJORS = [
  'Ilmu Hukum', 'Ilmu Administrasi Negara', 'Akuntansi', 'Manajemen', 'Teknik Sipil', 'Kehutanan',
  'Keperawatan', 'Pendidikan Matematika', 'Teknik Informatika', 'Ilmu Lingkungan', 'Kesehatan Masyarakat',
  'Ilmu Pemerintahan', 'Ekonomi Pembangunan', 'Sistem Informasi', 'Kebidanan', 'Pendidikan Guru Sekolah Dasar',
  'Agroteknologi', 'Psikologi', 'Ilmu Komunikasi', 'Perencanaan Wilayah dan Kota',
] as const;

export const SCHOOL_MAJORS = ['IPA', 'IPS', 'Bahasa', 'Akuntansi', 'Teknik Komputer dan Jaringan', 'Administrasi Perkantoran'] as const;

export const TECHNICAL_TRAININGS = [
  'Pelatihan Pengadaan Barang/Jasa Pemerintah', 'Bimbingan Teknis SIASN', 'Pelatihan Pengelolaan Keuangan Daerah',
  'Pelatihan Penyusunan SKP', 'Pelatihan Analisis Jabatan', 'Pelatihan Kearsipan Dinamis',
  'Pelatihan Manajemen Risiko', 'Pelatihan Analisis Data dengan Python', 'Pelatihan Pelayanan Publik Prima',
  'Pelatihan Penyusunan Standar Operasional Prosedur', 'Pelatihan Teknis Pemasyarakatan',
  'Pelatihan Pengendalian Kebakaran Hutan', 'Pelatihan Audit Internal', 'Pelatihan Keamanan Informasi',
  'Pelatihan Penyusunan Rencana Kerja Anggaran', 'Pelatihan Barang Milik Negara',
] as const;

export const SEMINARS = [
  'Seminar Nasional Reformasi Birokrasi', 'Webinar Manajemen Talenta ASN', 'Workshop Penyusunan Anggaran',
  'Kursus Bahasa Inggris', 'Magang Pelayanan Terpadu Satu Pintu', 'Seminar Transformasi Digital Pemerintahan',
  'Webinar Core Values BerAKHLAK', 'Workshop Sistem Merit', 'Sosialisasi PermenPANRB 6/2022',
  'Kursus Singkat Kepemimpinan Perempuan', 'Lokakarya Pengelolaan Kinerja',
] as const;

export const FUNCTIONAL_TRAININGS = [
  'Pelatihan Fungsional Analis Kebijakan', 'Pelatihan Fungsional Auditor', 'Pelatihan Fungsional Pranata Komputer',
  'Pelatihan Fungsional Perencana', 'Pelatihan Fungsional Penyuluh Kehutanan', 'Pelatihan Fungsional Arsiparis',
  'Pelatihan Fungsional Analis SDM Aparatur', 'Pelatihan Fungsional Pengelola Pengadaan Barang/Jasa',
  'Pelatihan Fungsional Perawat', 'Pelatihan Fungsional Guru', 'Pelatihan Fungsional Pembimbing Kemasyarakatan',
] as const;

export const LEADERSHIP_TRAINING_NAMES = {
  PKN_I: 'Pelatihan Kepemimpinan Nasional Tingkat I',
  PKN_II: 'Pelatihan Kepemimpinan Nasional Tingkat II',
  PKA: 'Pelatihan Kepemimpinan Administrator',
  PKP: 'Pelatihan Kepemimpinan Pengawas',
} as const;

export const FUNCTIONAL_POSITIONS = [
  'Analis Kebijakan', 'Auditor', 'Pranata Komputer', 'Perencana', 'Penyuluh Kehutanan', 'Arsiparis',
  'Analis Sumber Daya Manusia Aparatur', 'Pengelola Pengadaan Barang/Jasa', 'Perawat', 'Guru', 'Bidan',
  'Pembimbing Kemasyarakatan', 'Penjaga Tahanan', 'Pengawas Lingkungan Hidup', 'Dokter', 'Apoteker',
  'Statistisi', 'Pustakawan', 'Penata Kelola Sistem dan Teknologi Informasi', 'Polisi Kehutanan',
] as const;

export const PELAKSANA_POSITIONS = [
  'Pengadministrasi Perkantoran', 'Penata Layanan Operasional', 'Pengolah Data dan Informasi',
  'Operator Layanan Operasional', 'Pengelola Layanan Operasional', 'Penelaah Teknis Kebijakan',
  'Pengadministrasi Perkantoran', 'Pengelola Umum Operasional', 'Pengemudi', 'Petugas Keamanan',
] as const;

export const UNITS = [
  'Sekretariat', 'Bagian Umum', 'Bagian Keuangan', 'Bidang Perencanaan', 'Bidang Pelayanan', 'Bidang Pengawasan',
  'Subbagian Kepegawaian', 'Bidang Pengembangan SDM', 'Dinas Pendidikan', 'Dinas Kesehatan', 'RSUD',
  'Badan Perencanaan Pembangunan Daerah', 'Inspektorat', 'Dinas Komunikasi dan Informatika',
  'Badan Kepegawaian dan Pengembangan SDM', 'Kantor Wilayah', 'Lembaga Pemasyarakatan', 'Balai Taman Nasional',
  'Dinas Lingkungan Hidup', 'Satuan Polisi Pamong Praja', 'Kecamatan',
] as const;

export const PENALTIES = {
  RINGAN: ['Teguran lisan', 'Teguran tertulis', 'Pernyataan tidak puas secara tertulis'],
  SEDANG: [
    'Pemotongan tunjangan kinerja 25% selama 6 bulan',
    'Pemotongan tunjangan kinerja 25% selama 9 bulan',
    'Pemotongan tunjangan kinerja 25% selama 12 bulan',
  ],
  BERAT: [
    'Penurunan jabatan setingkat lebih rendah selama 12 bulan',
    'Pembebasan dari jabatan menjadi jabatan pelaksana selama 12 bulan',
  ],
} as const;
