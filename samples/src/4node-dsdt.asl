/*
 * DSDT for the 4node sample host: one PCI root bridge per node placed by _PXM, processor
 * devices, a GPU and a NIC below root bridges (inheriting their _PXM), and a memory device (PNP0C80).
 * Compile: iasl -p /tmp/dsdt 4node-dsdt.asl && cp /tmp/dsdt.aml ../4node/DSDT, then npx tsx scripts/make-samples.ts
 */
DefinitionBlock ("", "DSDT", 2, "NUMAKT", "NK4NODE", 0x00000001)
{
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_CID, EisaId ("PNP0A03"))
            Name (_UID, Zero)
            Name (_PXM, Zero)
            Device (GPU0)
            {
                Name (_ADR, 0x00010000)
            }
        }
        Device (PCI1)
        {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_CID, EisaId ("PNP0A03"))
            Name (_UID, One)
            Method (_PXM, 0, NotSerialized)
            {
                Return (One)
            }
            Device (NIC0)
            {
                Name (_ADR, 0x00020000)
            }
        }
        Device (PCI2)
        {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_CID, EisaId ("PNP0A03"))
            Name (_UID, 0x02)
            Name (_PXM, 0x02)
        }
        Device (PCI3)
        {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_CID, EisaId ("PNP0A03"))
            Name (_UID, 0x03)
            Name (_PXM, 0x03)
        }
        Device (CPU0)
        {
            Name (_HID, "ACPI0007")
            Name (_UID, Zero)
            Name (_PXM, Zero)
        }
        Device (MEM3)
        {
            Name (_HID, EisaId ("PNP0C80"))
            Name (_UID, 0x03)
            Name (_PXM, 0x03)
            Method (_STA, 0, NotSerialized)
            {
                Return (0x0F)
            }
        }
    }
}
